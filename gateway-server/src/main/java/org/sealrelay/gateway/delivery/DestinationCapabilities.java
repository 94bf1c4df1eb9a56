package org.sealrelay.gateway.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * The TLS facts that the last SMTP session with a destination domain showed, for the policy
 * engine to use as recipient-capability facts.
 *
 * @param domain the recipient domain, lower case
 * @param nextHop the host and address of that session, such as {@code mx.example.net[192.0.2.1]:25}
 * @param startTlsOffered whether the next hop's EHLO reply offered STARTTLS
 * @param tlsProtocol the negotiated protocol, or empty when the session stayed in clear text or
 *     the handshake failed
 * @param tlsCipher the negotiated cipher suite, or empty
 * @param peerVerified whether the peer was authenticated (PKIX, DANE or MTA-STS enforce)
 * @param policy the TLS requirement in force: a level name such as {@code encrypt}, or
 *     {@code dane}, {@code mta-sts enforce}, {@code mta-sts testing}
 * @param observedAt when the session ended
 */
public record DestinationCapabilities(
        String domain,
        String nextHop,
        boolean startTlsOffered,
        String tlsProtocol,
        String tlsCipher,
        boolean peerVerified,
        String policy,
        Instant observedAt) {
    public DestinationCapabilities {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(nextHop, "nextHop");
        Objects.requireNonNull(tlsProtocol, "tlsProtocol");
        Objects.requireNonNull(tlsCipher, "tlsCipher");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(observedAt, "observedAt");
    }

    /** Returns whether the TLS facts equal {@code other}'s, ignoring the next hop and the time. */
    public boolean sameSecurity(DestinationCapabilities other) {
        return startTlsOffered == other.startTlsOffered
                && peerVerified == other.peerVerified
                && tlsProtocol.equals(other.tlsProtocol)
                && tlsCipher.equals(other.tlsCipher)
                && policy.equals(other.policy);
    }
}
