package org.sealrelay.gateway.delivery;

import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.policy.DeliveryMethod;
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
 * @param options SMTPUTF8, REQUIRETLS and DSN parameters the client gave with MAIL FROM
 * @param dsnRequests NOTIFY and ORCPT of each recipient, in the order of {@code recipients}
 * @param method the plan step's method: relay the content as it is ({@code TLS}), or encrypt
 *     it first for the one recipient of the request ({@code PGP}, {@code SMIME})
 */
public record DeliveryRequest(
        QueueId queueId,
        String reversePath,
        List<String> recipients,
        String domain,
        TlsLevel tlsLevel,
        boolean eightBitMime,
        long sizeOctets,
        ContentSource content,
        TransactionOptions options,
        List<DsnRequest> dsnRequests,
        DeliveryMethod method) {
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
        Objects.requireNonNull(options, "options");
        dsnRequests = List.copyOf(dsnRequests);
        if (dsnRequests.size() != recipients.size()) {
            throw new IllegalArgumentException("delivery request for " + queueId + " needs one DSN request per recipient");
        }
        Objects.requireNonNull(method, "method");
    }

    /** Creates a request that relays the content as it is. */
    public DeliveryRequest(QueueId queueId, String reversePath, List<String> recipients, String domain,
            TlsLevel tlsLevel, boolean eightBitMime, long sizeOctets, ContentSource content,
            TransactionOptions options, List<DsnRequest> dsnRequests) {
        this(queueId, reversePath, recipients, domain, tlsLevel, eightBitMime, sizeOctets, content, options,
                dsnRequests, DeliveryMethod.TLS);
    }

    /** Returns a copy that relays other content, such as an encrypted copy of this content. */
    public DeliveryRequest withContent(ContentSource replacement, long replacementSize) {
        return new DeliveryRequest(queueId, reversePath, recipients, domain, tlsLevel, eightBitMime, replacementSize,
                replacement, options, dsnRequests, method);
    }

    /** Creates a request without ESMTP transaction options. */
    public DeliveryRequest(QueueId queueId, String reversePath, List<String> recipients, String domain,
            TlsLevel tlsLevel, boolean eightBitMime, long sizeOctets, ContentSource content) {
        this(queueId, reversePath, recipients, domain, tlsLevel, eightBitMime, sizeOctets, content,
                TransactionOptions.NONE, java.util.Collections.nCopies(recipients.size(), DsnRequest.DEFAULT));
    }

    /** Returns the NOTIFY and ORCPT parameters of one recipient of this request. */
    public DsnRequest dsnFor(String recipient) {
        int index = recipients.indexOf(recipient);
        return index < 0 ? DsnRequest.DEFAULT : dsnRequests.get(index);
    }
}
