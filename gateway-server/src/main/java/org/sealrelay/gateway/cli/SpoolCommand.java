package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay spool}: maintenance of the encrypted spool. */
@Command(name = "spool", mixinStandardHelpOptions = true, description = "Maintain the encrypted spool.",
        subcommands = {SpoolRotateKeyCommand.class})
final class SpoolCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: try 'sealrelay spool rotate-key'");
    }
}
