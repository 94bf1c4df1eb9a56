package org.sealrelay.gateway.delivery;

import java.util.Map;

/**
 * The outcomes that one SMTP session with one address produced.
 *
 * @param byRecipient an outcome for every recipient sent to the session
 * @param tryNextHost whether the session ended before MAIL FROM was sent, so the agent may try
 *     the next address or MX host without risking a duplicate
 * @param tlsProtocol negotiated protocol, or null without TLS
 * @param tlsCipher negotiated cipher suite, or null without TLS
 * @param peerVerified whether the certificate chain and host name were validated
 * @param startTls whether the server's EHLO reply offered STARTTLS, or UNKNOWN when the session
 *     ended before it
 * @param retryOnNewConnection whether the session ran on a cached connection that failed before
 *     the reply to the final dot, so the message should be sent again on a new connection
 * @param tlsFailure the RFC 8460 result type of a failed TLS handshake, or null when no
 *     handshake failed
 */
record SessionResult(
        Map<String, RecipientOutcome> byRecipient,
        boolean tryNextHost,
        String tlsProtocol,
        String tlsCipher,
        boolean peerVerified,
        StartTlsOffer startTls,
        boolean retryOnNewConnection,
        org.sealrelay.gateway.tlsrpt.ResultType tlsFailure) {
    /** The STARTTLS offer in the EHLO reply. */
    enum StartTlsOffer {
        UNKNOWN,
        OFFERED,
        NOT_OFFERED
    }

    SessionResult {
        byRecipient = Map.copyOf(byRecipient);
    }

    /** Creates the result of a session on a new connection. */
    SessionResult(Map<String, RecipientOutcome> byRecipient, boolean tryNextHost, String tlsProtocol,
            String tlsCipher, boolean peerVerified, StartTlsOffer startTls) {
        this(byRecipient, tryNextHost, tlsProtocol, tlsCipher, peerVerified, startTls, false, null);
    }
}
