package org.sealrelay.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.submission.PolicyFile;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.content.ContentFacts;
import org.sealrelay.policy.rules.PolicyFileException;
import org.sealrelay.policy.rules.RulesPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealrelay policy test MESSAGE.eml}: shows the decision per recipient for a message file
 * as the gateway would make it at the end of DATA, with the rule and evidence that produced it.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Show the policy decision per recipient for a message file.")
final class PolicyTestCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MESSAGE", description = "Message file in RFC 5322 format (.eml).")
    Path message;

    @Option(names = "--from", paramLabel = "ADDRESS", defaultValue = "",
            description = "Envelope sender (MAIL FROM); empty for the null reverse-path.")
    String from;

    @Option(names = "--to", paramLabel = "ADDRESS", required = true,
            description = "Envelope recipient (RCPT TO); repeat for several.")
    List<String> recipients;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Rules file; without it, policy.file of --config, else the domain TLS levels of --config.")
    Path policyFile;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/sealrelay.yaml",
            description = "Configuration file, read only when --policy is absent (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--client-address", paramLabel = "IP", defaultValue = "127.0.0.1",
            description = "SMTP client address the rules see (default: ${DEFAULT-VALUE}).")
    String clientAddress;

    @Option(names = "--listener", paramLabel = "NAME", defaultValue = "smtp",
            description = "Listener name the rules see (default: ${DEFAULT-VALUE}).")
    String listener;

    @Option(names = "--tls", description = "Treat the inbound session as TLS 1.3.")
    boolean tls;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Policy policy;
        ContentFacts content;
        long size;
        try {
            policy = loadPolicy();
            size = Files.size(message);
            try (InputStream in = Files.newInputStream(message)) {
                content = new ContentExtractor(ExtractionLimits.DEFAULTS).extract(in);
            }
        } catch (PolicyFileException | ConfigException e) {
            err.println(e.getMessage());
            return 1;
        } catch (NoSuchFileException e) {
            err.println(message + ": message file not found");
            return 1;
        } catch (IOException e) {
            err.println(message + ": cannot read the message: " + e.getMessage());
            return 1;
        }
        MessageFacts facts = new MessageFacts(clientAddress, listener, tls ? "TLSv1.3" : null, from, recipients,
                size, content);
        print(policy, facts, policy.decideAll(facts));
        return 0;
    }

    private Policy loadPolicy() throws PolicyFileException, ConfigException {
        if (policyFile != null) {
            return PolicyFile.load(policyFile);
        }
        GatewayConfig config = ConfigLoader.load(configFile);
        if (config.policy().file().isPresent()) {
            return PolicyFile.load(config.policy().file().get());
        }
        return new DomainTlsPolicy(config.delivery().defaultTlsLevel(), config.delivery().tlsLevels());
    }

    private void print(Policy policy, MessageFacts facts, List<Decision> decisions) {
        PrintWriter out = spec.commandLine().getOut();
        if (policy instanceof PolicyFile rulesFile) {
            out.println("detectors: " + nonZeroCounts(rulesFile.rules(), facts));
        }
        for (int i = 0; i < decisions.size(); i++) {
            Decision decision = decisions.get(i);
            String outcome = switch (decision.verdict()) {
                case ACCEPT -> "ACCEPT deliver " + decision.plan();
                case HOLD -> "HOLD then deliver " + decision.plan() + ", reply " + decision.reply();
                default -> decision.verdict() + " " + decision.reply();
            };
            out.println(facts.recipients().get(i) + ": " + outcome);
            out.println("  rule: " + decision.rule());
            out.println("  why: " + decision.explanation());
            if (!decision.edits().isEmpty()) {
                out.println("  edits: " + decision.edits());
            }
            if (decision.exempt()) {
                out.println("  exempt: content rules skipped");
            }
            decision.archive().ifPresent(copy -> out.println("  archive copy: " + copy.address() + " by " + copy.plan()));
        }
    }

    private static String nonZeroCounts(RulesPolicy rules, MessageFacts facts) {
        StringJoiner joined = new StringJoiner(", ");
        for (Map.Entry<String, Integer> count : rules.detectorCounts(facts).entrySet()) {
            if (count.getValue() > 0) {
                joined.add(count.getKey() + "=" + count.getValue());
            }
        }
        return joined.length() == 0 ? "none" : joined.toString();
    }
}
