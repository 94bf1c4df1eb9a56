package org.sealrelay.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay tls-report}: SMTP TLS Reporting (RFC 8460) counts. */
@Command(name = "tls-report", mixinStandardHelpOptions = true,
        description = "Inspect the TLS session counts kept for SMTP TLS reports (RFC 8460).",
        subcommands = {TlsReportShowCommand.class})
final class TlsReportCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: try 'sealrelay tls-report show'");
    }
}
