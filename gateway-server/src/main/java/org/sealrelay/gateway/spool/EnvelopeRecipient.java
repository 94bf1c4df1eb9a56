package org.sealrelay.gateway.spool;

import java.util.Objects;
import org.sealrelay.policy.DeliveryPlan;

/**
 * One recipient with its delivery plan and state.
 *
 * @param address the forward-path as received, without angle brackets
 * @param plan the policy's delivery plan for this recipient
 * @param status delivery state
 * @param attempts delivery attempts made so far
 * @param lastReply the last reply or failure reason, for queue listings and bounces; may be empty
 */
public record EnvelopeRecipient(
        String address, DeliveryPlan plan, RecipientStatus status, int attempts, String lastReply) {
    public EnvelopeRecipient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        lastReply = lastReply == null ? "" : lastReply;
    }

    /** Returns a recipient that has not been tried yet. */
    public static EnvelopeRecipient pending(String address, DeliveryPlan plan) {
        return new EnvelopeRecipient(address, plan, RecipientStatus.PENDING, 0, "");
    }

    /** Returns this recipient after an attempt with the given outcome. */
    public EnvelopeRecipient afterAttempt(RecipientStatus newStatus, String reply) {
        return new EnvelopeRecipient(address, plan, newStatus, attempts + 1, reply);
    }

    /** Returns the domain part of the address, lower-cased. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
