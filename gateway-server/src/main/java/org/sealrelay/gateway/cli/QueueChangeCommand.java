package org.sealrelay.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Base of the commands that change a selection of messages: flush, hold, release, delete and
 * bounce. Each prints one line per message with the result, then a count.
 */
abstract class QueueChangeCommand extends QueueSubcommand {
    @Mixin
    SelectionOptions selection;

    @Option(names = "--all", description = "Act on every queued message.")
    boolean all;

    @Option(names = "--dry-run", description = "Only count and list the matching messages; change nothing.")
    boolean dryRun;

    /** Returns the action name in the admin API. */
    abstract String action();

    /** Returns whether the command acts on every message when no selection is given. */
    boolean selectsAllByDefault() {
        return false;
    }

    @Override
    int run(AdminClient client) throws AdminClientException {
        if (selection.isEmpty() && !all && !selectsAllByDefault()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing selection: give queue ids, "
                    + "--domain, --reply, --older-than or --all");
        }
        Map<String, List<String>> query = selection.query(this::queueId);
        if (all) {
            query.put("all", List.of("true"));
        }
        if (dryRun) {
            query.put("dry-run", List.of("true"));
        }

        AdminClient.Response response = client.send("POST", "/v1/queue/" + action(), query);
        if (response.status() != 200) {
            err().println("sealrelay queue: " + response.error());
            return response.status() == 404 ? QueueExitCodes.NOT_FOUND : QueueExitCodes.USAGE;
        }

        JsonNode body = response.json();
        int exitCode = QueueExitCodes.OK;
        for (JsonNode result : body.path("results")) {
            String outcome = result.path("result").asText();
            if (outcome.equals("not_found")) {
                err().printf("%s: not found in the queue%n", result.path("id").asText());
                exitCode = QueueExitCodes.NOT_FOUND;
            } else {
                out().printf("%s: %s%n", result.path("id").asText(), describe(outcome));
            }
        }
        out().printf(dryRun ? "%s: %d message(s) match; nothing changed (dry run)%n" : "%s: %d message(s) matched%n",
                action(), body.path("matched").asInt());
        return exitCode;
    }

    private static String describe(String outcome) {
        return switch (outcome) {
            case "done" -> "done";
            case "unchanged" -> "unchanged (already in that state, or not waiting for a retry)";
            case "busy" -> "busy: a delivery attempt is in flight; try again shortly";
            case "failed" -> "failed: the spool could not be updated; see the gateway log";
            case "matched" -> "matches";
            default -> outcome;
        };
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Make deferred messages due now, like postqueue -f. "
            + "Without a selection, flushes every message that is not on hold.", footer = QueueExitCodes.HELP_FOOTER)
    static final class Flush extends QueueChangeCommand {
        @Override
        String action() {
            return "flush";
        }

        @Override
        boolean selectsAllByDefault() {
            return true;
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            description = "Put messages on hold: no delivery attempt until released, like postsuper -h.",
            footer = QueueExitCodes.HELP_FOOTER)
    static final class Hold extends QueueChangeCommand {
        @Override
        String action() {
            return "hold";
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Release held messages and make them due now, like postsuper -H.",
            footer = QueueExitCodes.HELP_FOOTER)
    static final class Release extends QueueChangeCommand {
        @Override
        String action() {
            return "release";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete messages without notifying the sender, like postsuper -d.",
            footer = QueueExitCodes.HELP_FOOTER)
    static final class Delete extends QueueChangeCommand {
        @Override
        String action() {
            return "delete";
        }
    }

    @Command(name = "bounce", mixinStandardHelpOptions = true,
            description = "Fail every pending recipient now and send the sender a delivery "
            + "status notification.", footer = QueueExitCodes.HELP_FOOTER)
    static final class Bounce extends QueueChangeCommand {
        @Override
        String action() {
            return "bounce";
        }
    }
}
