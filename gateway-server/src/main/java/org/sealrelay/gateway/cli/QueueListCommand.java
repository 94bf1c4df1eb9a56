package org.sealrelay.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sealrelay queue list}: one line per queued message, like {@code postqueue -p}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List queued messages: id, arrival, size, sender domain, "
        + "recipient count, state (incoming, active, deferred, hold) and last reply.",
        footer = QueueExitCodes.HELP_FOOTER)
final class QueueListCommand extends QueueSubcommand {
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final int REPLY_WIDTH = 60;

    @Option(names = "--json", description = "Print the gateway's JSON response instead of a table.")
    boolean json;

    @Option(names = "--show-addresses",
            description = "Show full sender addresses and addresses in replies; by default only domains.")
    boolean showAddresses;

    @Mixin
    SelectionOptions filter;

    @Override
    int run(AdminClient client) throws AdminClientException {
        Map<String, java.util.List<String>> query = filter.query(this::queueId);
        if (showAddresses) {
            query.put("addresses", java.util.List.of("true"));
        }
        AdminClient.Response response = client.send("GET", "/v1/queue", query);
        if (response.status() != 200) {
            err().println("sealrelay queue: " + response.error());
            return QueueExitCodes.USAGE;
        }
        JsonNode body = response.json();
        if (json) {
            out().println(body.toPrettyString());
            return QueueExitCodes.OK;
        }
        String format = "%-20s  %-19s  %10s  %-30s  %4s  %-8s  %s%n";
        out().printf(format, "ID", "ARRIVAL (UTC)", "SIZE", showAddresses ? "SENDER" : "SENDER DOMAIN", "RCPT",
                "STATE", "LAST REPLY");
        for (JsonNode message : body.path("messages")) {
            String sender = showAddresses ? message.path("sender").asText() : message.path("senderDomain").asText();
            out().printf(format, message.path("id").asText(),
                    ARRIVAL.format(Instant.parse(message.path("arrival").asText())), message.path("size").asLong(),
                    sender.isEmpty() ? "<>" : sender, message.path("recipientCount").asInt(),
                    message.path("state").asText(), cut(message.path("lastReply").asText()));
        }
        out().printf("-- %d message(s)%n", body.path("count").asInt());
        return QueueExitCodes.OK;
    }

    private static String cut(String text) {
        return text.length() <= REPLY_WIDTH ? text : text.substring(0, REPLY_WIDTH - 3) + "...";
    }
}
