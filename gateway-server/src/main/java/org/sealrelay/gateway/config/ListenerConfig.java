package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP listener.
 *
 * @param name label for logs and policy facts, such as {@code smtp}
 * @param address address and port to bind; port 0 binds a free port (tests)
 * @param relayNetworks clients allowed to relay; everyone else gets 554 5.7.1 at RCPT
 * @param startTls whether STARTTLS is offered
 * @param maxMessageSize largest accepted message in octets, advertised with SIZE
 * @param maxRecipients recipients per message before 452 4.5.3
 * @param commandTimeout idle time allowed between commands (RFC 5321 section 4.5.3.2.7: at
 *     least 5 minutes)
 * @param dataTimeout idle time allowed between data packets (RFC 5321 section 4.5.3.2.5: at
 *     least 3 minutes)
 */
public record ListenerConfig(
        String name,
        HostAndPort address,
        List<Cidr> relayNetworks,
        boolean startTls,
        long maxMessageSize,
        int maxRecipients,
        Duration commandTimeout,
        Duration dataTimeout) {
    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        relayNetworks = List.copyOf(relayNetworks);
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(dataTimeout, "dataTimeout");
        if (maxMessageSize < 1024) {
            throw new IllegalArgumentException("max-message-size " + maxMessageSize + " is below 1024 octets");
        }
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("max-recipients must be at least 1, got " + maxRecipients);
        }
    }
}
