package org.sealrelay.gateway.smtp.inbound;

import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Objects;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.smtp.auth.Authenticator;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.submission.SubmissionService;

/**
 * What every session of one listener shares.
 *
 * @param listener the listener's settings
 * @param hostname name in the greeting, EHLO reply and Received header
 * @param postmaster address that the bare {@code <postmaster>} recipient is delivered to
 * @param sslContext server TLS context, or null when TLS is not configured
 * @param authenticator checks SMTP AUTH credentials, or null when AUTH is not offered
 * @param limiter open-connection counts of this listener
 * @param spool where message content is written while DATA streams in
 * @param submission decides, commits and enqueues complete messages
 * @param clock time source for the Received header
 */
record InboundContext(
        ListenerConfig listener,
        String hostname,
        String postmaster,
        SslContext sslContext,
        Authenticator authenticator,
        ConnectionLimiter limiter,
        Spool spool,
        SubmissionService submission,
        Clock clock) {
    InboundContext {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(postmaster, "postmaster");
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(submission, "submission");
        Objects.requireNonNull(clock, "clock");
        if (listener.tlsMode() != ListenerConfig.TlsMode.NONE && sslContext == null) {
            throw new IllegalArgumentException("listener " + listener.name() + " uses TLS but has no TLS context");
        }
    }

    boolean offersStartTls() {
        return listener.tlsMode() == ListenerConfig.TlsMode.STARTTLS;
    }

    boolean implicitTls() {
        return listener.tlsMode() == ListenerConfig.TlsMode.IMPLICIT;
    }

    boolean offersAuth() {
        return authenticator != null;
    }
}
