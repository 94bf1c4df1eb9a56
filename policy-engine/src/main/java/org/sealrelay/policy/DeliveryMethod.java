package org.sealrelay.policy;

/**
 * The ways a message may leave the gateway. Each step of a {@link DeliveryPlan} names one.
 *
 * <p>NOTE: only {@link #TLS} has a delivery agent so far; plans that name other methods are
 * rejected by the configuration loader until their agents exist.
 */
public enum DeliveryMethod {
    /** SMTP relay to the next hop at the step's TLS level. */
    TLS
}
