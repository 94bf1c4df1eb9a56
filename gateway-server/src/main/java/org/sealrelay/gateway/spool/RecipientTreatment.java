package org.sealrelay.gateway.spool;

import java.util.Objects;
import org.sealrelay.policy.MessageEdits;

/**
 * Policy instructions for one recipient beyond its plan, kept with the message so that delivery
 * can apply them after a restart.
 *
 * @param edits header and subject changes to the copy this recipient gets
 * @param exempt whether an exempt rule decided, so content rules were skipped
 * @param archiveCopy whether this recipient is an archive mailbox that the policy added: it gets
 *     the message as received in a transaction of its own, and its failures are never reported
 *     to the sender
 */
public record RecipientTreatment(MessageEdits edits, boolean exempt, boolean archiveCopy) {
    /** An ordinary recipient without edits. */
    public static final RecipientTreatment NONE = new RecipientTreatment(MessageEdits.NONE, false, false);

    public RecipientTreatment {
        Objects.requireNonNull(edits, "edits");
    }

    /** Returns the treatment of an archive copy: the message as received, no edits. */
    public static RecipientTreatment archive() {
        return new RecipientTreatment(MessageEdits.NONE, false, true);
    }
}
