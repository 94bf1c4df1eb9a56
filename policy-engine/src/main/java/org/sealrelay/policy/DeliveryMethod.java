package org.sealrelay.policy;

/**
 * The ways a message may leave the gateway. Each step of a {@link DeliveryPlan} names one.
 *
 * <p>NOTE: a portal method is part of the design but not of this enum yet, because no portal
 * exists; the rules parser rejects {@code portal} steps with that reason.
 */
public enum DeliveryMethod {
    /** SMTP relay to the next hop at the step's TLS level. */
    TLS,
    /**
     * PGP/MIME (RFC 3156) to the recipient's OpenPGP key, then SMTP relay at the gateway's
     * TLS level for encrypted copies.
     */
    PGP,
    /**
     * S/MIME (RFC 8551) to the recipient's certificate, then SMTP relay at the gateway's TLS
     * level for encrypted copies.
     */
    SMIME;

    /** Returns whether the gateway encrypts the content itself for this method. */
    public boolean encryptsContent() {
        return this != TLS;
    }
}
