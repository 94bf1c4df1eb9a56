package org.sealrelay.gateway.spool;

/** Delivery state of one recipient of a spooled message. */
public enum RecipientStatus {
    /** Not yet delivered; due now or after its retry delay. */
    PENDING,
    /** The next hop accepted it with a 2xx reply. */
    DELIVERED,
    /**
     * Permanently failed (5xx, the queue lifetime ran out, or an administrator bounced it). A
     * delivery status notification is due until {@link EnvelopeRecipient#notified()} is set.
     */
    FAILED;

    /** Whether no further delivery attempt will be made. */
    public boolean isFinal() {
        return this != PENDING;
    }
}
