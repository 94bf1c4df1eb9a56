package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.detect.DetectorSet;
import org.sealrelay.policy.detect.RegexBudgetExceededException;

/**
 * A policy from a rules file. For each recipient the first rule whose condition is true decides,
 * and the default action decides when no condition is true. Exempt rules are tested before all
 * others, so a recipient they match is never decided by a content rule. A detector runs over the
 * subject and body text when a condition first requests its count, at most once per message, so
 * a rule that decides on an early hit spares the scans of later detectors.
 *
 * <p>A pattern from the rules file that exceeds its {@link org.sealrelay.policy.detect.RegexBudget}
 * holds the message for review ({@link RegexBudgetHold}) for each recipient whose rules request
 * it: in a detector with the rule name {@value #DETECTOR_SCAN_RULE}, in a condition with the name
 * of the rule that was being tested.
 */
public final class RulesPolicy implements Policy {
    /** The rule name decisions carry when no rule matched. */
    public static final String DEFAULT_RULE = "default";
    /** The rule name decisions carry when a detector pattern exceeded its budget. */
    public static final String DETECTOR_SCAN_RULE = "detector-scan";

    private final List<Rule> rules;
    private final RuleAction defaultAction;
    private final DetectorSet detectors;

    RulesPolicy(List<Rule> rules, RuleAction defaultAction, DetectorSet detectors) {
        List<Rule> ordered = new ArrayList<>(rules.size());
        for (Rule rule : rules) {
            if (rule.exempt()) {
                ordered.add(rule);
            }
        }
        for (Rule rule : rules) {
            if (!rule.exempt()) {
                ordered.add(rule);
            }
        }
        this.rules = List.copyOf(ordered);
        this.defaultAction = defaultAction;
        this.detectors = detectors;
    }

    /** Returns the number of rules, not counting the default. */
    public int ruleCount() {
        return rules.size();
    }

    /** Returns the rule names in evaluation order: exempt rules first, then the others in file order. */
    public List<String> ruleNames() {
        return rules.stream().map(Rule::name).toList();
    }

    /** Returns the detectors this policy runs. */
    public DetectorSet detectors() {
        return detectors;
    }

    @Override
    public boolean needsContent() {
        return true;
    }

    @Override
    public Decision decide(MessageFacts message, String recipient) {
        return decide(message, recipient, lazyScan(message));
    }

    @Override
    public List<Decision> decideAll(MessageFacts message) {
        DetectorSet.LazyScan scan = lazyScan(message);
        List<Decision> decisions = new ArrayList<>(message.recipients().size());
        for (String recipient : message.recipients()) {
            decisions.add(decide(message, recipient, scan));
        }
        return decisions;
    }

    /**
     * Returns every detector's count for the subject and body text of a message, in scan order.
     * A detector whose pattern exceeded its budget counts 1; decisions hold such a message.
     */
    public Map<String, Integer> detectorCounts(MessageFacts message) {
        return scan(message).counts();
    }

    private DetectorSet.Scan scan(MessageFacts message) {
        return detectors.scanAll(Evaluation.scannedText(message));
    }

    private DetectorSet.LazyScan lazyScan(MessageFacts message) {
        return detectors.lazyScan(() -> Evaluation.scannedText(message));
    }

    private Decision decide(MessageFacts message, String recipient, DetectorSet.LazyScan scan) {
        Evaluation evaluation = new Evaluation(message, recipient, scan);
        for (Rule rule : rules) {
            List<String> evidence = new ArrayList<>();
            boolean holds;
            try {
                holds = rule.when().test(evaluation, evidence);
            } catch (RegexBudgetExceededException e) {
                return RegexBudgetHold.of(scan.isDetectorFailure(e) ? DETECTOR_SCAN_RULE : rule.name(), e.source());
            }
            if (holds) {
                String verb = rule.exempt() ? " matched, content rules skipped" : " matched";
                return toDecision(rule.name(), rule.action(), evidence,
                        "rule " + rule.name() + verb + (evidence.isEmpty() ? "" : ": " + String.join(", ", evidence)));
            }
        }
        return toDecision(DEFAULT_RULE, defaultAction, List.of(), "no rule matched; default action");
    }

    private static Decision toDecision(String rule, RuleAction action, List<String> evidence, String explanation) {
        return new Decision(action.verdict(), action.plan(), action.reply(), rule, explanation, evidence,
                action.edits(), action.archive(), action.exempt());
    }
}
