package org.sealrelay.gateway.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole gateway configuration, as read from {@code sealrelay.yaml} by {@link ConfigLoader}.
 *
 * @param hostname the gateway's name in greetings, EHLO replies and Received headers
 * @param postmaster where mail to the bare {@code <postmaster>} recipient goes, which every SMTP
 *     server must accept (RFC 5321 section 4.5.1)
 * @param listeners SMTP listeners, at least one
 * @param tls the listeners' certificate
 * @param spool spool location and keys
 * @param delivery outbound delivery
 * @param queue retry schedule and limits
 * @param admin the local queue administration endpoint
 * @param policy rules file and content extraction limits
 * @param keys recipient key directory, discovery and harvesting
 */
public record GatewayConfig(
        String hostname,
        String postmaster,
        List<ListenerConfig> listeners,
        TlsConfig tls,
        SpoolConfig spool,
        DeliveryConfig delivery,
        QueueConfig queue,
        AdminConfig admin,
        PolicyConfig policy,
        KeysConfig keys) {
    public GatewayConfig {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(postmaster, "postmaster");
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is required");
        }
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(keys, "keys");
    }

    /** Creates a configuration without a key directory. */
    public GatewayConfig(String hostname, String postmaster, List<ListenerConfig> listeners, TlsConfig tls,
            SpoolConfig spool, DeliveryConfig delivery, QueueConfig queue, AdminConfig admin, PolicyConfig policy) {
        this(hostname, postmaster, listeners, tls, spool, delivery, queue, admin, policy, KeysConfig.DISABLED);
    }

    /** Returns a copy with the given listeners, for tests and tools that bind other ports. */
    public GatewayConfig withListeners(List<ListenerConfig> replacement) {
        return new GatewayConfig(hostname, postmaster, replacement, tls, spool, delivery, queue, admin, policy, keys);
    }
}
