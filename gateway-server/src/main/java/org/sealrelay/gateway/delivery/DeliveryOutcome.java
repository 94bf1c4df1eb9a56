package org.sealrelay.gateway.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one delivery attempt, per recipient, and what the session showed.
 *
 * @param byRecipient an outcome for every recipient of the request
 * @param nextHop the host and address tried last, such as {@code mx.example.net[192.0.2.1]:25},
 *     or empty if no connection was made
 * @param tlsProtocol negotiated TLS protocol, or {@code null} when the session was not encrypted
 * @param tlsCipher negotiated cipher suite, or {@code null}
 * @param peerVerified whether the peer certificate chain and host name validated
 */
public record DeliveryOutcome(
        Map<String, RecipientOutcome> byRecipient,
        String nextHop,
        String tlsProtocol,
        String tlsCipher,
        boolean peerVerified) {
    public DeliveryOutcome {
        byRecipient = Map.copyOf(byRecipient);
        Objects.requireNonNull(nextHop, "nextHop");
    }

    /** Returns an outcome that gives every recipient the same result, such as after a connection failure. */
    public static DeliveryOutcome all(
            List<String> recipients, RecipientOutcome.Result result, String reply, String nextHop) {
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        for (String recipient : recipients) {
            outcomes.put(recipient, new RecipientOutcome(result, reply));
        }
        return new DeliveryOutcome(outcomes, nextHop, null, null, false);
    }
}
