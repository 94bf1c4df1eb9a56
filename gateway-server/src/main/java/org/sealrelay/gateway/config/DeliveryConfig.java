package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.sealrelay.policy.TlsLevel;

/**
 * Outbound delivery settings.
 *
 * @param heloName name sent in EHLO to next hops
 * @param smartHost relay every message to this host instead of looking up MX records; may be null
 * @param defaultTlsLevel level for domains without an entry in {@code tlsLevels}
 * @param tlsLevels levels by recipient domain
 * @param trustFile PEM file of extra CA certificates trusted at the {@code verify} level, added
 *     to the JDK's default trust store; may be null
 * @param connectTimeout TCP connect timeout
 * @param commandTimeout how long to wait for each reply (RFC 5321 section 4.5.3.2 gives 5
 *     minutes for most; one value here for all of them)
 * @param dataTimeout how long to wait for the reply after the final dot (RFC 5321: 10 minutes)
 * @param dnsServers resolvers for MX lookups as host:port; empty means the system resolvers
 */
public record DeliveryConfig(
        String heloName,
        HostAndPort smartHost,
        TlsLevel defaultTlsLevel,
        Map<String, TlsLevel> tlsLevels,
        Path trustFile,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration dataTimeout,
        java.util.List<HostAndPort> dnsServers) {
    public DeliveryConfig {
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(defaultTlsLevel, "defaultTlsLevel");
        tlsLevels = Map.copyOf(tlsLevels);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(dataTimeout, "dataTimeout");
        dnsServers = java.util.List.copyOf(dnsServers);
    }
}
