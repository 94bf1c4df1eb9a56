package org.sealrelay.gateway.smtp.inbound;

import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.Objects;
import org.sealrelay.gateway.config.ListenerConfig;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.submission.SubmissionService;

/**
 * What every session of one listener shares.
 *
 * @param listener the listener's settings
 * @param hostname name in the greeting, EHLO reply and Received header
 * @param sslContext server TLS context for STARTTLS, or null when TLS is not configured
 * @param spool where message content is written while DATA streams in
 * @param submission decides, commits and enqueues complete messages
 * @param clock time source for the Received header
 */
record InboundContext(
        ListenerConfig listener,
        String hostname,
        SslContext sslContext,
        Spool spool,
        SubmissionService submission,
        Clock clock) {
    InboundContext {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(submission, "submission");
        Objects.requireNonNull(clock, "clock");
    }

    boolean offersStartTls() {
        return listener.startTls() && sslContext != null;
    }
}
