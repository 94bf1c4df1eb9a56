package org.sealrelay.policy.rules;

import java.util.Objects;
import java.util.Optional;
import org.sealrelay.policy.ArchiveCopy;
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
 * @param archive a copy for an archive mailbox; empty for none
 * @param exempt whether this is an exempt rule, which is tested before every other rule
 */
record RuleAction(Verdict verdict, DeliveryPlan plan, String reply, MessageEdits edits,
        Optional<ArchiveCopy> archive, boolean exempt) {
    RuleAction {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(edits, "edits");
        Objects.requireNonNull(archive, "archive");
    }

    /** Creates an action without an archive copy that is not an exemption. */
    RuleAction(Verdict verdict, DeliveryPlan plan, String reply, MessageEdits edits) {
        this(verdict, plan, reply, edits, Optional.empty(), false);
    }
}
