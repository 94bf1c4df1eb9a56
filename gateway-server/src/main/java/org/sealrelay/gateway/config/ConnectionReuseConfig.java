package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Outbound connection reuse: how long a session with a next hop stays open after a transaction,
 * waiting for the next message to the same host at the same TLS requirement, and how many
 * messages one connection may carry.
 *
 * @param idleTime how long an idle connection stays cached before it is closed with QUIT; zero
 *     turns reuse off, so every session ends with QUIT after its message
 * @param maxMessages messages one connection carries before it is closed
 */
public record ConnectionReuseConfig(Duration idleTime, int maxMessages) {
    /** The default of Postfix's smtp_connection_cache_time_limit ({@code postconf -d}, Postfix 3.7). */
    public static final Duration DEFAULT_IDLE_TIME = Duration.ofSeconds(2);

    /**
     * A chosen bound, not a measured one, so that steady traffic does not keep one connection
     * open forever. Postfix sets no count limit by default.
     */
    public static final int DEFAULT_MAX_MESSAGES = 100;

    /** RFC 5321 section 4.5.3.2.7 lets a server close an idle connection after 5 minutes. */
    public static final Duration MAX_IDLE_TIME = Duration.ofMinutes(5);

    /** Reuse off: one message per connection. */
    public static final ConnectionReuseConfig DISABLED = new ConnectionReuseConfig(Duration.ZERO, 1);

    /** Reuse on with the default idle time and message limit. */
    public static final ConnectionReuseConfig DEFAULT = new ConnectionReuseConfig(DEFAULT_IDLE_TIME,
            DEFAULT_MAX_MESSAGES);

    public ConnectionReuseConfig {
        Objects.requireNonNull(idleTime, "idleTime");
        if (idleTime.isNegative() || idleTime.compareTo(MAX_IDLE_TIME) > 0) {
            throw new IllegalArgumentException("invalid connection idle time " + idleTime + ": expected 0 to "
                    + MAX_IDLE_TIME.toSeconds() + " s");
        }
        if (maxMessages < 1) {
            throw new IllegalArgumentException("invalid maximum of messages per connection " + maxMessages
                    + ": expected at least 1");
        }
    }

    /** Returns whether a connection may carry more than one message. */
    public boolean enabled() {
        return !idleTime.isZero() && maxMessages > 1;
    }
}
