package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sealrelay} command line. Each subcommand is a class of its own; this one only
 * registers them.
 */
@Command(
        name = "sealrelay",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Secure SMTP gateway for mail that carries protected health information.",
        subcommands = {RunCommand.class, QueueCommand.class, PolicyCommand.class, KeysCommand.class, SpoolCommand.class,
            TlsReportCommand.class, DkimCommand.class,
            AuditCommand.class,
            PasswdCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class SealRelayCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: try 'sealrelay run --config FILE'");
    }

    public static void main(String[] args) {
        // Only the daemon logs at INFO; the tools' own output would drown in start-up lines.
        // Set before the first logger is created, and only when the operator has not chosen a level.
        boolean daemon = args.length > 0 && args[0].equals("run");
        if (!daemon && System.getProperty("sealrelay.log.level") == null) {
            System.setProperty("sealrelay.log.level", "WARN");
        }
        System.exit(new CommandLine(new SealRelayCommand()).execute(args));
    }
}
