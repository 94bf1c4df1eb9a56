package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay dkim}: helpers for the DKIM keys that sign the gateway's own mail. */
@Command(name = "dkim", mixinStandardHelpOptions = true,
        description = "Help publish the DKIM keys that sign the mail the gateway writes itself.",
        subcommands = {DkimRecordCommand.class})
final class DkimCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: try 'sealrelay dkim record'");
    }
}
