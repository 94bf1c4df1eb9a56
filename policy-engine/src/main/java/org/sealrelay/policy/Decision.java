package org.sealrelay.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy outcome for one recipient, with the rule that produced it and evidence that names
 * what matched (condition kinds, detector names and counts) but never message content.
 *
 * @param verdict accept, reject, defer or hold
 * @param plan how to deliver; present for {@link Verdict#ACCEPT} and {@link Verdict#HOLD}
 * @param reply SMTP reply for reject, defer and hold, such as {@code 554 5.7.1 Rejected by policy}
 * @param rule name of the rule that decided
 * @param explanation one line for logs and the audit trail, free of PHI
 * @param evidence what matched, such as {@code detector ssn=2}; free of PHI
 * @param edits header and subject changes the rule requests
 * @param archive a copy for an archive mailbox; empty for none
 * @param exempt whether an exempt rule decided, so no content rule was evaluated for the recipient
 */
public record Decision(Verdict verdict, DeliveryPlan plan, String reply, String rule, String explanation,
        List<String> evidence, MessageEdits edits, Optional<ArchiveCopy> archive, boolean exempt) {
    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(explanation, "explanation");
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(edits, "edits");
        Objects.requireNonNull(archive, "archive");
        if (verdict == Verdict.ACCEPT && plan == null) {
            throw new IllegalArgumentException("an accepting decision needs a delivery plan (rule " + rule + ")");
        }
        if (verdict == Verdict.HOLD && plan == null) {
            throw new IllegalArgumentException("a HOLD decision needs the delivery plan for after review (rule "
                    + rule + ")");
        }
        if (verdict != Verdict.ACCEPT && reply == null) {
            throw new IllegalArgumentException("a " + verdict + " decision needs an SMTP reply (rule " + rule + ")");
        }
    }

    /** Creates a decision without an archive copy or exemption. */
    public Decision(Verdict verdict, DeliveryPlan plan, String reply, String rule, String explanation,
            List<String> evidence, MessageEdits edits) {
        this(verdict, plan, reply, rule, explanation, evidence, edits, Optional.empty(), false);
    }

    /** Creates a decision without evidence or edits. */
    public Decision(Verdict verdict, DeliveryPlan plan, String reply, String rule, String explanation) {
        this(verdict, plan, reply, rule, explanation, List.of(), MessageEdits.NONE);
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
