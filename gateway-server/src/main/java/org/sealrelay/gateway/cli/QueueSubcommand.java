package org.sealrelay.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.spool.QueueId;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Base of the {@code queue} subcommands: finds the running gateway through the configuration
 * file, and prints a failure as one line on standard error with its exit code.
 */
abstract class QueueSubcommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/sealrelay.yaml",
            description = "Configuration file of the running gateway, read for admin.address and "
                    + "admin.token-file (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() {
        try {
            return run(AdminClient.fromConfig(configFile));
        } catch (AdminClientException e) {
            err().println("sealrelay queue: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** Runs the command against the gateway and returns the exit code. */
    abstract int run(AdminClient client) throws AdminClientException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Checks a queue id from the command line before anything is sent. */
    QueueId queueId(String text) {
        if (!QueueId.isValid(text)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid queue id '" + text
                    + "': expected 20 characters of Crockford base32, as 'sealrelay queue list' shows them");
        }
        return new QueueId(text);
    }
}
