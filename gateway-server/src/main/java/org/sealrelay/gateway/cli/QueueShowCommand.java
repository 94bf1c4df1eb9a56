package org.sealrelay.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.sealrelay.gateway.spool.QueueId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sealrelay queue show ID}: one message's envelope and recipients, or its content. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one queued message with the state of each recipient.",
        footer = QueueExitCodes.HELP_FOOTER)
final class QueueShowCommand extends QueueSubcommand {
    @Parameters(paramLabel = "ID", description = "Queue id, as 'sealrelay queue list' shows it.")
    String id;

    @Option(names = "--content", description = "Print the stored message (headers and body) instead. "
            + "It may contain protected health information.")
    boolean content;

    @Option(names = "--show-addresses", description = "Show full addresses; by default only domains.")
    boolean showAddresses;

    @Option(names = "--json", description = "Print the gateway's JSON response.")
    boolean json;

    @Override
    int run(AdminClient client) throws AdminClientException {
        QueueId queueId = queueId(id);
        String path = "/v1/queue/" + queueId + (content ? "/content" : "");
        AdminClient.Response response = client.send("GET", path,
                showAddresses ? Map.of("addresses", List.of("true")) : Map.of());
        if (response.status() == 404) {
            err().println("sealrelay queue: " + response.error());
            return QueueExitCodes.NOT_FOUND;
        }
        if (response.status() != 200) {
            err().println("sealrelay queue: " + response.error());
            return QueueExitCodes.SOFTWARE;
        }
        if (content) {
            // NOTE: printed as UTF-8 text through the command's writer, so other 8-bit charsets
            // are not shown octet for octet.
            out().print(new String(response.body(), StandardCharsets.UTF_8));
            out().flush();
            return QueueExitCodes.OK;
        }
        JsonNode message = response.json();
        if (json) {
            out().println(message.toPrettyString());
            return QueueExitCodes.OK;
        }
        String sender = showAddresses ? message.path("sender").asText() : message.path("senderDomain").asText();
        out().printf("id:       %s%n", message.path("id").asText());
        out().printf("arrival:  %s%n", message.path("arrival").asText());
        out().printf("size:     %d octets%n", message.path("size").asLong());
        out().printf("sender:   %s%n", sender.isEmpty() ? "<>" : sender);
        out().printf("client:   %s (%s)%n", message.path("clientAddress").asText(), message.path("clientHelo").asText());
        out().printf("state:    %s%n", message.path("state").asText());
        for (JsonNode recipient : message.path("recipients")) {
            String name = showAddresses ? recipient.path("address").asText() : "*@" + recipient.path("domain").asText();
            out().printf("  %-40s %-9s step=%-11s attempts=%d%s%n", name, recipient.path("status").asText(),
                    recipient.path("step").asText(), recipient.path("attempts").asInt(),
                    recipient.path("lastReply").asText().isEmpty() ? "" : "  " + recipient.path("lastReply").asText());
            if (!recipient.path("policy").asText().isEmpty()) {
                out().printf("    policy: %s%n", recipient.path("policy").asText());
            }
        }
        return QueueExitCodes.OK;
    }
}
