package org.sealrelay.gateway.submission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.rules.PolicyFileException;
import org.sealrelay.policy.rules.RulesParser;
import org.sealrelay.policy.rules.RulesPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a policy file, replaceable at run time. A reload that fails leaves the previous
 * rules in force, and each message is decided by one version of the rules from start to end.
 */
public final class PolicyFile implements Policy {
    private static final Logger log = LoggerFactory.getLogger(PolicyFile.class);

    private final Path file;
    private final AtomicReference<RulesPolicy> current;

    private PolicyFile(Path file, RulesPolicy rules) {
        this.file = file;
        this.current = new AtomicReference<>(rules);
    }

    /**
     * Reads and checks a rules file.
     *
     * @throws PolicyFileException with {@code file:line:column: problem}, or naming the file when it cannot be read
     */
    public static PolicyFile load(Path file) throws PolicyFileException {
        return new PolicyFile(file, read(file));
    }

    /** Parses a rules file without installing it, for {@code sealrelay policy check}. */
    public static RulesPolicy read(Path file) throws PolicyFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PolicyFileException(file + ": rules file not found; check policy.file in the configuration");
        } catch (IOException e) {
            throw new PolicyFileException(file + ": cannot read the rules file: " + e.getMessage(), e);
        }
        return RulesParser.parse(file.toString(), text);
    }

    /**
     * Reads the file again and installs its rules. On failure the previous rules stay in force.
     *
     * @return the newly installed rules
     * @throws PolicyFileException if the file cannot be read or is invalid
     */
    public RulesPolicy reload() throws PolicyFileException {
        RulesPolicy rules;
        try {
            rules = read(file);
        } catch (PolicyFileException e) {
            log.warn("policy reload failed, previous rules stay in force: {}", e.getMessage());
            throw e;
        }
        current.set(rules);
        log.info("policy reloaded from {}: {} rule(s)", file, rules.ruleCount());
        return rules;
    }

    /** Returns the rules in force. */
    public RulesPolicy rules() {
        return current.get();
    }

    @Override
    public Decision decide(MessageFacts message, String recipient) {
        return current.get().decide(message, recipient);
    }

    @Override
    public List<Decision> decideAll(MessageFacts message) {
        return current.get().decideAll(message);
    }

    @Override
    public boolean needsContent() {
        return current.get().needsContent();
    }
}
