package org.sealrelay.policy;

import java.util.Objects;

/**
 * The policy outcome for one recipient, with the rule that produced it and an explanation that
 * names evidence (rule and detector names, counts) but never message content.
 *
 * @param verdict accept, reject or defer
 * @param plan how to deliver; present only when the verdict is {@link Verdict#ACCEPT}
 * @param reply SMTP reply for reject and defer, such as {@code 554 5.7.1 Rejected by policy}
 * @param rule name of the rule that decided
 * @param explanation one line for logs and the audit trail, free of PHI
 */
public record Decision(Verdict verdict, DeliveryPlan plan, String reply, String rule, String explanation) {
    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(explanation, "explanation");
        if (verdict == Verdict.ACCEPT && plan == null) {
            throw new IllegalArgumentException("an accepting decision needs a delivery plan (rule " + rule + ")");
        }
        if (verdict != Verdict.ACCEPT && reply == null) {
            throw new IllegalArgumentException("a " + verdict + " decision needs an SMTP reply (rule " + rule + ")");
        }
    }

    /** Returns an accepting decision. */
    public static Decision accept(DeliveryPlan plan, String rule, String explanation) {
        return new Decision(Verdict.ACCEPT, plan, null, rule, explanation);
    }

    /** Returns a rejecting decision with a complete SMTP reply line. */
    public static Decision reject(String reply, String rule, String explanation) {
        return new Decision(Verdict.REJECT, null, reply, rule, explanation);
    }
}
