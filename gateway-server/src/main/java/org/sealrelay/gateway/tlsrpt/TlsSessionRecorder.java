package org.sealrelay.gateway.tlsrpt;

/**
 * Receives the outcome of each outbound TLS session, or of each policy failure that stopped a
 * session from starting, for RFC 8460 reports. Implementations must be thread-safe and must not
 * block on disk, because delivery calls them from event loops.
 */
public interface TlsSessionRecorder {
    /** Counts a session that negotiated TLS as {@code policy} requires. */
    void success(ReportPolicy policy);

    /** Counts a session, or a session that could not start, that failed {@code policy}. */
    void failure(ReportPolicy policy, FailureDetail detail);
}
