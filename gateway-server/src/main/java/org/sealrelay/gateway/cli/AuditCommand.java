package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay audit}: groups the commands that work on the audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check the audit log and its rotated files.",
        subcommands = {AuditVerifyCommand.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: try 'sealrelay audit verify FILE --key-file KEYFILE'");
    }
}
