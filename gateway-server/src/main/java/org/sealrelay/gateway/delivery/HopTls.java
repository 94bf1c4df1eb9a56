package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Objects;
import org.sealrelay.policy.TlsLevel;

/**
 * The TLS requirement for one next hop, after the request's level has met the destination's DANE
 * or MTA-STS state: whether STARTTLS is attempted, whether it is required, whether the peer is
 * authenticated and with which TLS context.
 *
 * @param policy the name for logs and outcome text, such as {@code dane} or {@code mta-sts enforce}
 * @param attemptsTls whether STARTTLS is sent when offered
 * @param requiresTls whether a session without TLS must not carry the message
 * @param verifiesPeer whether the handshake fails unless the peer is authenticated
 * @param context the client context to start TLS with
 * @param tlsaRecords the TLSA records in presentation format when DANE applies, for TLS reports:
 *     the usable ones, or every record when none is usable; empty otherwise
 * @param unusableTlsa whether the host publishes DNSSEC-secure TLSA records of which none is
 *     usable, so that TLS reports count its sessions as {@code tlsa-invalid} (RFC 8460 section
 *     4.3.2.1) even when TLS was negotiated
 */
record HopTls(String policy, boolean attemptsTls, boolean requiresTls, boolean verifiesPeer, SslContext context,
        List<String> tlsaRecords, boolean unusableTlsa) {
    HopTls {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(context, "context");
        tlsaRecords = List.copyOf(tlsaRecords);
    }

    /** Creates a requirement without TLSA records. */
    HopTls(String policy, boolean attemptsTls, boolean requiresTls, boolean verifiesPeer, SslContext context) {
        this(policy, attemptsTls, requiresTls, verifiesPeer, context, List.of(), false);
    }

    /** Creates the requirement of a host whose usable TLSA records authenticate its certificate. */
    HopTls(String policy, boolean attemptsTls, boolean requiresTls, boolean verifiesPeer, SslContext context,
            List<String> tlsaRecords) {
        this(policy, attemptsTls, requiresTls, verifiesPeer, context, tlsaRecords, false);
    }

    /** Returns the requirement of a plain level: {@code none}, {@code may}, {@code encrypt} or {@code verify}. */
    static HopTls of(TlsLevel level, TlsClientContexts contexts) {
        return switch (level) {
            case NONE -> new HopTls(level.configName(), false, false, false, contexts.unverified());
            case MAY -> new HopTls(level.configName(), true, false, false, contexts.unverified());
            case ENCRYPT -> new HopTls(level.configName(), true, true, false, contexts.unverified());
            case VERIFY -> new HopTls(level.configName(), true, true, true, contexts.verified());
            case DANE, MTA_STS -> throw new IllegalArgumentException(
                    "level " + level + " depends on the destination's DNS; resolve it to a plain level first");
        };
    }

    /** Returns a client handler for STARTTLS; the peer host name is sent as SNI. */
    SslHandler newHandler(ByteBufAllocator allocator, String peerHost, int peerPort) {
        return context.newHandler(allocator, peerHost, peerPort);
    }
}
