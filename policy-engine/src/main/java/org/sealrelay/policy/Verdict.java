package org.sealrelay.policy;

/** What the policy decided for one recipient. */
public enum Verdict {
    /** Accept and deliver by the decision's plan. */
    ACCEPT,
    /** Reject permanently; the client gets the decision's 5xx reply. */
    REJECT,
    /** Reject temporarily; the client gets the decision's 4xx reply and may retry. */
    DEFER
}
