package org.sealrelay.policy;

/** What the policy decided for one recipient. */
public enum Verdict {
    /** Accept and deliver by the decision's plan. */
    ACCEPT,
    /** Reject permanently; the client gets the decision's 5xx reply. */
    REJECT,
    /** Reject temporarily; the client gets the decision's 4xx reply and may retry. */
    DEFER,
    /**
     * Keep the message for a person to review before delivery by the decision's plan.
     *
     * <p>NOTE: the spool has no hold state yet, so the submission path replies to a hold with the
     * decision's 4xx reply, and the client keeps the message and retries.
     */
    HOLD
}
