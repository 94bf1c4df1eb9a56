package org.sealrelay.gateway.submission;

import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.policy.ClientIdentity;

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
 * @param options SMTPUTF8, REQUIRETLS and DSN parameters of MAIL FROM
 * @param dsnRequests NOTIFY and ORCPT of each recipient, in the order of {@code recipients}
 * @param client the SMTP AUTH user and TLS client certificate of the session
 */
public record DraftMessage(
        String reversePath,
        List<String> recipients,
        boolean eightBitMime,
        String clientAddress,
        String clientHelo,
        String listener,
        String tlsProtocol,
        TransactionOptions options,
        List<DsnRequest> dsnRequests,
        ClientIdentity client) {
    public DraftMessage {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        dsnRequests = List.copyOf(dsnRequests);
        Objects.requireNonNull(reversePath, "reversePath");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(clientHelo, "clientHelo");
        Objects.requireNonNull(listener, "listener");
        if (dsnRequests.size() != recipients.size()) {
            throw new IllegalArgumentException("expected one DSN request per recipient, got " + dsnRequests.size()
                    + " for " + recipients.size());
        }
    }

    /** Creates a draft from an anonymous client. */
    public DraftMessage(String reversePath, List<String> recipients, boolean eightBitMime, String clientAddress,
            String clientHelo, String listener, String tlsProtocol, TransactionOptions options,
            List<DsnRequest> dsnRequests) {
        this(reversePath, recipients, eightBitMime, clientAddress, clientHelo, listener, tlsProtocol, options,
                dsnRequests, ClientIdentity.ANONYMOUS);
    }

    /** Creates a draft without ESMTP transaction options. */
    public DraftMessage(String reversePath, List<String> recipients, boolean eightBitMime, String clientAddress,
            String clientHelo, String listener, String tlsProtocol) {
        this(reversePath, recipients, eightBitMime, clientAddress, clientHelo, listener, tlsProtocol,
                TransactionOptions.NONE, java.util.Collections.nCopies(recipients.size(), DsnRequest.DEFAULT));
    }
}
