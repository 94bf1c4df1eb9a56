package org.sealrelay.policy.rules;

import java.util.Objects;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.Verdict;

/**
 * The action of a rule whose condition is true.
 *
 * @param verdict accept (deliver), reject, defer or hold
 * @param plan delivery plan for accept and hold; null otherwise
 * @param reply SMTP reply for reject, defer and hold; null for accept
 * @param edits header and subject changes
 */
record RuleAction(Verdict verdict, DeliveryPlan plan, String reply, MessageEdits edits) {
    RuleAction {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(edits, "edits");
    }
}
