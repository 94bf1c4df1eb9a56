package org.sealrelay.policy.rules;

import java.util.List;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.Verdict;

/**
 * The decision when a pattern of the rules file exceeded its
 * {@link org.sealrelay.policy.detect.RegexBudget}: hold the message for review. Treating the
 * condition as true or false could each loosen the policy (a rule may use it under {@code not}),
 * so neither is the safe side. A held message is delivered only after an administrator releases
 * it, and then with verified TLS only.
 */
final class RegexBudgetHold {
    static final String REPLY = "451 4.7.0 Message held for review; try again later";
    static final DeliveryPlan PLAN_AFTER_RELEASE = DeliveryPlan.relay(TlsLevel.VERIFY);

    private RegexBudgetHold() {
    }

    /**
     * Returns a hold decision.
     *
     * @param rule the rule whose condition ran out of budget, or the name reported for a detector scan
     * @param source where the pattern comes from, such as {@code body} or {@code detector mrn}
     */
    static Decision of(String rule, String source) {
        String evidence = "regex-budget-exceeded " + source;
        return new Decision(Verdict.HOLD, PLAN_AFTER_RELEASE, REPLY, rule,
                "held for review: a pattern of " + source + " exceeded its budget of character reads",
                List.of(evidence), MessageEdits.NONE);
    }
}
