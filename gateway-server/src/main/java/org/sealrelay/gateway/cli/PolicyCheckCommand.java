package org.sealrelay.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.submission.PolicyFile;
import org.sealrelay.policy.rules.PolicyFileException;
import org.sealrelay.policy.rules.RulesPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sealrelay policy check FILE}: validates a rules file without starting the gateway. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a rules file. Exits 0 when it is valid, 1 otherwise.")
final class PolicyCheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Rules file to validate.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RulesPolicy rules;
        try {
            rules = PolicyFile.read(file);
        } catch (PolicyFileException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println(file + ": valid, " + rules.ruleCount() + " rule(s) and a default");
        return 0;
    }
}
