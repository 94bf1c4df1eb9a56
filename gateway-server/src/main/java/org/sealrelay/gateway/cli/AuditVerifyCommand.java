package org.sealrelay.gateway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.audit.AuditVerifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sealrelay audit verify FILE}: checks the MAC chain of an audit log. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that no line of an audit log was changed, removed, inserted or reordered."
                + " Exits 0 when the chain is intact, 1 at the first broken line, 2 when a file cannot be read."
                + " Lines cut off the end of the log cannot be detected.")
final class AuditVerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Audit log to check, such as var/audit.log.")
    Path file;

    @Option(names = "--key-file", paramLabel = "KEYFILE", defaultValue = "var/audit.key",
            description = "The audit key the log was written with (default: ${DEFAULT-VALUE}).")
    Path keyFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        AuditVerifier.Result result;
        try {
            result = AuditVerifier.verify(file, AuditKey.load(keyFile));
        } catch (IOException e) {
            spec.commandLine().getErr().println("audit verify failed: " + e.getMessage());
            return 2;
        }
        if (result.intact()) {
            spec.commandLine().getOut().println(file + ": intact, " + result.verifiedLines() + " line(s)");
            return 0;
        }
        spec.commandLine().getErr().println(file + ":" + result.brokenLine().get() + ": broken: " + result.problem()
                + " (" + result.verifiedLines() + " line(s) before it verified)");
        return 1;
    }
}
