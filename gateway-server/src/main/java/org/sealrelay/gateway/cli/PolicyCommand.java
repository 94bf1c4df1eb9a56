package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay policy}: groups the commands that check and try out a rules file. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Check a rules file or show the decision it makes for a message.",
        subcommands = {PolicyCheckCommand.class, PolicyTestCommand.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: try 'sealrelay policy check FILE' or 'sealrelay policy test MESSAGE.eml'");
    }
}
