package org.sealrelay.gateway.delivery;

import java.util.Objects;

/**
 * The result of an attempt for one recipient.
 *
 * @param result delivered, deferred or bounced
 * @param reply the next hop's reply (code, enhanced code, text) or a local reason such as
 *     {@code 4.7.5 STARTTLS not offered by mx.example.net[192.0.2.1]:25}
 */
public record RecipientOutcome(Result result, String reply) {
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
    }
}
