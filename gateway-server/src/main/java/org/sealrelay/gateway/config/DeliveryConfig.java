package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * @param transports routes by recipient domain; an entry covers its subdomains and the longest
 *     match wins. Domains without an entry go to {@code smartHost} when set, else to their MX hosts
 * @param dnssecTrustAnchor file of DS or DNSKEY records in zone file format that the DNSSEC
 *     validator for the {@code dane} level trusts; null leaves every answer insecure, so
 *     {@code dane} falls back for every domain
 * @param daneExempt domains (and their subdomains) whose TLSA records are ignored, so that a
 *     domain with broken TLSA records can still receive mail at its fallback level
 * @param mtaSts whether MTA-STS policies (RFC 8461) are looked up and applied for domains at
 *     {@code may}, {@code encrypt}, {@code verify} and {@code dane}; the {@code mta-sts} level
 *     always looks them up
 * @param fallbackTlsLevel level for a domain at {@code dane} whose MX or TLSA records are not
 *     DNSSEC-secure, or at {@code dane} or {@code mta-sts} without a policy of either kind; one
 *     of {@code none}, {@code may}, {@code encrypt} or {@code verify}
 * @param connectionReuse how long a connection to a next hop stays open for further messages
 * @param daneRequired domains (and their subdomains) that must be reached with DANE at the
 *     {@code dane} level: where DANE would not apply, delivery is deferred instead of falling
 *     back (mandatory DANE, RFC 7672 section 6)
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
        java.util.List<HostAndPort> dnsServers,
        Map<String, Transport> transports,
        Path dnssecTrustAnchor,
        Set<String> daneExempt,
        boolean mtaSts,
        TlsLevel fallbackTlsLevel,
        ConnectionReuseConfig connectionReuse,
        Set<String> daneRequired) {
    public DeliveryConfig {
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(defaultTlsLevel, "defaultTlsLevel");
        tlsLevels = Map.copyOf(tlsLevels);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(dataTimeout, "dataTimeout");
        dnsServers = java.util.List.copyOf(dnsServers);
        transports = Map.copyOf(transports);
        daneExempt = Set.copyOf(daneExempt);
        Objects.requireNonNull(fallbackTlsLevel, "fallbackTlsLevel");
        if (fallbackTlsLevel == TlsLevel.DANE || fallbackTlsLevel == TlsLevel.MTA_STS) {
            throw new IllegalArgumentException("invalid fallback TLS level '" + fallbackTlsLevel
                    + "': expected none, may, encrypt or verify");
        }
        Objects.requireNonNull(connectionReuse, "connectionReuse");
        daneRequired = Set.copyOf(daneRequired);
    }

    /** Creates settings without domains that require DANE. */
    public DeliveryConfig(
            String heloName,
            HostAndPort smartHost,
            TlsLevel defaultTlsLevel,
            Map<String, TlsLevel> tlsLevels,
            Path trustFile,
            Duration connectTimeout,
            Duration commandTimeout,
            Duration dataTimeout,
            List<HostAndPort> dnsServers,
            Map<String, Transport> transports,
            Path dnssecTrustAnchor,
            Set<String> daneExempt,
            boolean mtaSts,
            TlsLevel fallbackTlsLevel,
            ConnectionReuseConfig connectionReuse) {
        this(heloName, smartHost, defaultTlsLevel, tlsLevels, trustFile, connectTimeout, commandTimeout, dataTimeout,
                dnsServers, transports, dnssecTrustAnchor, daneExempt, mtaSts, fallbackTlsLevel, connectionReuse,
                Set.of());
    }

    /** Creates settings without connection reuse. */
    public DeliveryConfig(
            String heloName,
            HostAndPort smartHost,
            TlsLevel defaultTlsLevel,
            Map<String, TlsLevel> tlsLevels,
            Path trustFile,
            Duration connectTimeout,
            Duration commandTimeout,
            Duration dataTimeout,
            List<HostAndPort> dnsServers,
            Map<String, Transport> transports,
            Path dnssecTrustAnchor,
            Set<String> daneExempt,
            boolean mtaSts,
            TlsLevel fallbackTlsLevel) {
        this(heloName, smartHost, defaultTlsLevel, tlsLevels, trustFile, connectTimeout, commandTimeout, dataTimeout,
                dnsServers, transports, dnssecTrustAnchor, daneExempt, mtaSts, fallbackTlsLevel,
                ConnectionReuseConfig.DISABLED);
    }

    /**
     * Creates settings without transports, DNSSEC trust anchor, DANE exemptions or connection
     * reuse, with MTA-STS on and {@code encrypt} as the fallback level.
     */
    public DeliveryConfig(
            String heloName,
            HostAndPort smartHost,
            TlsLevel defaultTlsLevel,
            Map<String, TlsLevel> tlsLevels,
            Path trustFile,
            Duration connectTimeout,
            Duration commandTimeout,
            Duration dataTimeout,
            List<HostAndPort> dnsServers) {
        this(heloName, smartHost, defaultTlsLevel, tlsLevels, trustFile, connectTimeout, commandTimeout, dataTimeout,
                dnsServers, Map.of(), null, Set.of(), true, TlsLevel.ENCRYPT);
    }
}
