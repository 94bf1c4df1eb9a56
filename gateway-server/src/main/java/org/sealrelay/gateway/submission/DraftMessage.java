package org.sealrelay.gateway.submission;

import java.util.List;
import java.util.Objects;

/**
 * A received message before the policy has decided and before it is durable: the envelope as
 * the client gave it and the client's identity.
 *
 * @param reversePath MAIL FROM address; empty for the null reverse-path
 * @param recipients accepted RCPT TO addresses in order
 * @param eightBitMime whether the client declared BODY=8BITMIME
 * @param clientAddress IP address of the client
 * @param clientHelo EHLO or HELO argument
 * @param listener name of the listener
 * @param tlsProtocol TLS protocol of the session, or null without TLS
 */
public record DraftMessage(
        String reversePath,
        List<String> recipients,
        boolean eightBitMime,
        String clientAddress,
        String clientHelo,
        String listener,
        String tlsProtocol) {
    public DraftMessage {
        Objects.requireNonNull(reversePath, "reversePath");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(clientHelo, "clientHelo");
        Objects.requireNonNull(listener, "listener");
    }
}
