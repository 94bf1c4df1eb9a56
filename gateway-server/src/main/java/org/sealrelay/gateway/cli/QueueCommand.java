package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay queue}: queue administration through the running gateway's admin endpoint. */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Inspect and change the queue of a running gateway, through its admin endpoint on "
                + "admin.address with the token from admin.token-file.",
        subcommands = {QueueListCommand.class, QueueShowCommand.class, QueueChangeCommand.Flush.class,
            QueueChangeCommand.Hold.class, QueueChangeCommand.Release.class, QueueChangeCommand.Delete.class,
            QueueChangeCommand.Bounce.class},
        footer = QueueExitCodes.HELP_FOOTER)
final class QueueCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: list, show, flush, hold, release, delete or bounce");
    }
}
