package org.sealrelay.gateway.spool;

import java.util.Objects;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.PlanStep;

/**
 * One recipient with its delivery plan and state.
 *
 * @param address the forward-path as received, without angle brackets
 * @param plan the policy's delivery plan for this recipient
 * @param status delivery state
 * @param attempts delivery attempts made so far
 * @param lastReply the last reply or failure reason, for queue listings and bounces; may be empty
 * @param remoteMta the next hop of the last attempt, such as {@code mx.example.net[192.0.2.1]:25};
 *     empty when no connection was made
 * @param notified when FAILED, whether the delivery status notification for the failure is
 *     durable in the spool, or none is due (null reverse-path); when DELIVERED, the same for a
 *     "relayed" notice, which is due only for NOTIFY=SUCCESS at a next hop without DSN;
 *     meaningless when PENDING
 * @param dsn the client's NOTIFY and ORCPT parameters for this recipient
 * @param planStep index of the plan step in use; it moves on when a step's requirement (such as
 *     the TLS level) cannot be met, and never back
 * @param policyNote the rule that decided this recipient and its evidence (detector names and
 *     counts, never matched text), for audits and {@code sealrelay queue show}; may be empty
 * @param treatment header edits, exemption and archive role from the policy
 */
public record EnvelopeRecipient(
        String address, DeliveryPlan plan, RecipientStatus status, int attempts, String lastReply,
        String remoteMta, boolean notified, DsnRequest dsn, int planStep, String policyNote,
        RecipientTreatment treatment) {
    public EnvelopeRecipient {
        policyNote = policyNote == null ? "" : policyNote;
        Objects.requireNonNull(treatment, "treatment");
        Objects.requireNonNull(dsn, "dsn");
        if (plan != null && (planStep < 0 || planStep >= plan.steps().size())) {
            throw new IllegalArgumentException("plan step " + planStep + " is outside the plan " + plan + " of " + address);
        }
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        lastReply = lastReply == null ? "" : lastReply;
        remoteMta = remoteMta == null ? "" : remoteMta;
    }

    /** Creates a recipient without edits, exemption or archive role. */
    public EnvelopeRecipient(String address, DeliveryPlan plan, RecipientStatus status, int attempts,
            String lastReply, String remoteMta, boolean notified, DsnRequest dsn, int planStep, String policyNote) {
        this(address, plan, status, attempts, lastReply, remoteMta, notified, dsn, planStep, policyNote,
                RecipientTreatment.NONE);
    }

    /** Creates a recipient without a known next hop and without a notification. */
    public EnvelopeRecipient(String address, DeliveryPlan plan, RecipientStatus status, int attempts,
            String lastReply) {
        this(address, plan, status, attempts, lastReply, "", false, DsnRequest.DEFAULT, 0, "");
    }

    /** Creates a recipient at the first step of its plan. */
    public EnvelopeRecipient(String address, DeliveryPlan plan, RecipientStatus status, int attempts,
            String lastReply, String remoteMta, boolean notified, DsnRequest dsn) {
        this(address, plan, status, attempts, lastReply, remoteMta, notified, dsn, 0, "");
    }

    /** Creates a recipient without DSN parameters. */
    public EnvelopeRecipient(String address, DeliveryPlan plan, RecipientStatus status, int attempts,
            String lastReply, String remoteMta, boolean notified) {
        this(address, plan, status, attempts, lastReply, remoteMta, notified, DsnRequest.DEFAULT, 0, "");
    }

    /** Returns a recipient that has not been tried yet, with the client's DSN parameters. */
    public static EnvelopeRecipient pending(String address, DeliveryPlan plan, DsnRequest dsn) {
        return new EnvelopeRecipient(address, plan, RecipientStatus.PENDING, 0, "", "", false, dsn);
    }

    /** Returns a recipient that has not been tried yet. */
    public static EnvelopeRecipient pending(String address, DeliveryPlan plan) {
        return new EnvelopeRecipient(address, plan, RecipientStatus.PENDING, 0, "");
    }

    /** Returns this recipient after an attempt with the given outcome and next hop. */
    public EnvelopeRecipient afterAttempt(RecipientStatus newStatus, String reply, String nextHop) {
        return new EnvelopeRecipient(address, plan, newStatus, attempts + 1, reply, nextHop, false, dsn, planStep, policyNote, treatment);
    }

    /** Returns this recipient after an attempt with the given outcome, without a next hop. */
    public EnvelopeRecipient afterAttempt(RecipientStatus newStatus, String reply) {
        return afterAttempt(newStatus, reply, "");
    }

    /** Returns this recipient failed for good without a new attempt, such as after expiry or an administrator's bounce. */
    public EnvelopeRecipient failedWith(String reason) {
        return new EnvelopeRecipient(address, plan, RecipientStatus.FAILED, attempts, reason, remoteMta, false, dsn, planStep, policyNote, treatment);
    }

    /** Returns this recipient marked as covered by a durable delivery status notification. */
    public EnvelopeRecipient asNotified() {
        return new EnvelopeRecipient(address, plan, status, attempts, lastReply, remoteMta, true, dsn, planStep, policyNote, treatment);
    }

    /** Returns this recipient with the policy's rule and evidence recorded. */
    public EnvelopeRecipient withPolicyNote(String note) {
        return new EnvelopeRecipient(address, plan, status, attempts, lastReply, remoteMta, notified, dsn, planStep, note, treatment);
    }

    /** Returns this recipient with the policy's edits, exemption or archive role recorded. */
    public EnvelopeRecipient withTreatment(RecipientTreatment newTreatment) {
        return new EnvelopeRecipient(address, plan, status, attempts, lastReply, remoteMta, notified, dsn, planStep,
                policyNote, newTreatment);
    }

    /** Returns the plan step in use. */
    public PlanStep currentStep() {
        return plan.steps().get(planStep);
    }

    /** Whether the plan has a step after the one in use. */
    public boolean hasNextStep() {
        return planStep + 1 < plan.steps().size();
    }

    /** Returns this recipient moved to the next step of its plan. */
    public EnvelopeRecipient withNextStep() {
        return new EnvelopeRecipient(address, plan, status, attempts, lastReply, remoteMta, notified, dsn, planStep + 1, policyNote, treatment);
    }

    /** Returns the domain part of the address, lower-cased. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
