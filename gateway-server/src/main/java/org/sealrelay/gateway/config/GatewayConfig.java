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
 * @param tls the server certificate and key
 * @param spool where messages are stored and the key file that encrypts them
 * @param delivery outbound delivery
 * @param queue retry schedule and limits
 * @param admin the local queue administration endpoint
 * @param policy rules file and content extraction limits
 * @param tlsReporting SMTP TLS Reporting (RFC 8460), from {@code delivery.tls-reporting}
 * @param encryption keys and options for the {@code pgp} and {@code smime} plan steps
 * @param audit audit log and its key
 * @param keys recipient key directory, discovery and harvesting
 * @param dkim DKIM keys and options for mail the gateway writes itself
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
        TlsReportingConfig tlsReporting,
        EncryptionConfig encryption,
        AuditConfig audit,
        KeysConfig keys,
        DkimConfig dkim) {
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
        Objects.requireNonNull(tlsReporting, "tlsReporting");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(dkim, "dkim");
    }

    /** Creates a configuration without DKIM keys. */
    public GatewayConfig(String hostname, String postmaster, List<ListenerConfig> listeners, TlsConfig tls,
            SpoolConfig spool, DeliveryConfig delivery, QueueConfig queue, AdminConfig admin, PolicyConfig policy,
            TlsReportingConfig tlsReporting, EncryptionConfig encryption, AuditConfig audit, KeysConfig keys) {
        this(hostname, postmaster, listeners, tls, spool, delivery, queue, admin, policy, tlsReporting, encryption,
                audit, keys, DkimConfig.NONE);
    }

    /**
     * Creates a configuration with TLS reporting off, the default encryption and key directory
     * settings and the audit log beside the spool.
     */
    public GatewayConfig(String hostname, String postmaster, List<ListenerConfig> listeners, TlsConfig tls,
            SpoolConfig spool, DeliveryConfig delivery, QueueConfig queue, AdminConfig admin, PolicyConfig policy) {
        this(hostname, postmaster, listeners, tls, spool, delivery, queue, admin, policy,
                TlsReportingConfig.disabled(hostname, postmaster), EncryptionConfig.DEFAULTS,
                AuditConfig.besideSpool(spool), KeysConfig.DEFAULTS);
    }

    /** Returns a copy with the given listeners, for tests and tools that bind other ports. */
    public GatewayConfig withListeners(List<ListenerConfig> replacement) {
        return new GatewayConfig(hostname, postmaster, replacement, tls, spool, delivery, queue, admin, policy,
                tlsReporting, encryption, audit, keys, dkim);
    }
}
