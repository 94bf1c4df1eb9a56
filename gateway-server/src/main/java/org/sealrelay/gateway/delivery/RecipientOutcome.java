package org.sealrelay.gateway.delivery;

import java.util.Objects;

/**
 * The result of an attempt for one recipient.
 *
 * @param result delivered, deferred or bounced
 * @param reply the next hop's reply (code, enhanced code, text) or a local reason such as
 *     {@code 4.7.5 STARTTLS not offered by mx.example.net[192.0.2.1]:25}
 * @param relayedWithoutDsn whether the result is DELIVERED to a next hop that did not offer the
 *     DSN extension, so the recipient's NOTIFY and ORCPT parameters were not passed on and the
 *     gateway owes a "relayed" notice to a sender who asked for NOTIFY=SUCCESS (RFC 3461 section 5.2.2)
 */
public record RecipientOutcome(Result result, String reply, boolean relayedWithoutDsn) {
    /** Outcome classes; the queue manager maps them to recipient states. */
    public enum Result {
        /** The next hop accepted the message for this recipient with a 2xx reply. */
        DELIVERED,
        /** Temporary failure (4xx, connection or TLS failure); retry later. */
        DEFERRED,
        /** Permanent failure (5xx); bounce. */
        BOUNCED
    }

    public RecipientOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(reply, "reply");
        if (relayedWithoutDsn && result != Result.DELIVERED) {
            throw new IllegalArgumentException("only a delivered recipient can be relayed without DSN, not " + result);
        }
    }

    /** Creates an outcome that owes no "relayed" notice. */
    public RecipientOutcome(Result result, String reply) {
        this(result, reply, false);
    }
}
