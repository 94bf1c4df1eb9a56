package org.sealrelay.gateway.delivery;

import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.policy.TlsLevel;

/**
 * One delivery attempt: the recipients of a message that share a destination domain and a TLS
 * level.
 *
 * @param queueId the message's queue id, for logs
 * @param reversePath MAIL FROM address without angle brackets; empty for the null reverse-path
 * @param recipients forward-paths without angle brackets, all in {@code domain}
 * @param domain recipient domain used to find the next hop, lower-cased
 * @param tlsLevel level the session must reach before MAIL FROM is sent
 * @param eightBitMime whether to send BODY=8BITMIME
 * @param sizeOctets content size, for the SIZE parameter
 * @param content the content to send
 */
public record DeliveryRequest(
        QueueId queueId,
        String reversePath,
        List<String> recipients,
        String domain,
        TlsLevel tlsLevel,
        boolean eightBitMime,
        long sizeOctets,
        ContentSource content) {
    public DeliveryRequest {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(reversePath, "reversePath");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(tlsLevel, "tlsLevel");
        Objects.requireNonNull(content, "content");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("delivery request for " + queueId + " has no recipients");
        }
    }
}
