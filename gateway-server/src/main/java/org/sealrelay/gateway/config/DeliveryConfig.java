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
        List<HostAndPort> dnsServers,
        Map<String, Transport> transports,
        Path dnssecTrustAnchor,
        Set<String> daneExempt,
        boolean mtaSts,
        TlsLevel fallbackTlsLevel,
        ConnectionReuseConfig connectionReuse,
        Set<String> daneRequired) {
    /** Default TCP connect timeout to a next hop. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Default wait for each reply; RFC 5321 section 4.5.3.2 gives 5 minutes for most commands. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
    /** Default wait for the reply after the final dot; RFC 5321 section 4.5.3.2.6 gives 10 minutes. */
    public static final Duration DEFAULT_DATA_TIMEOUT = Duration.ofMinutes(10);

    public DeliveryConfig {
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(defaultTlsLevel, "defaultTlsLevel");
        tlsLevels = Map.copyOf(tlsLevels);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(dataTimeout, "dataTimeout");
        dnsServers = List.copyOf(dnsServers);
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

    /**
     * Returns a builder that starts from the defaults of a configuration file without a
     * {@code delivery} section: MX lookups through the system resolvers, {@code encrypt} as the
     * default and fallback level, MTA-STS on, connection reuse on with its defaults, and the
     * default timeouts.
     *
     * @param heloName name sent in EHLO to next hops
     */
    public static Builder builder(String heloName) {
        return new Builder(heloName);
    }

    /**
     * Builds {@link DeliveryConfig} by option name, so that callers set only what differs from
     * the defaults. Each setter rejects null where the option needs a value, and {@link #build}
     * checks the combination.
     */
    public static final class Builder {
        private final String heloName;
        private HostAndPort smartHost;
        private TlsLevel defaultTlsLevel = TlsLevel.ENCRYPT;
        private Map<String, TlsLevel> tlsLevels = Map.of();
        private Path trustFile;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration dataTimeout = DEFAULT_DATA_TIMEOUT;
        private List<HostAndPort> dnsServers = List.of();
        private Map<String, Transport> transports = Map.of();
        private Path dnssecTrustAnchor;
        private Set<String> daneExempt = Set.of();
        private boolean mtaSts = true;
        private TlsLevel fallbackTlsLevel = TlsLevel.ENCRYPT;
        private ConnectionReuseConfig connectionReuse = ConnectionReuseConfig.DEFAULT;
        private Set<String> daneRequired = Set.of();

        private Builder(String heloName) {
            this.heloName = Objects.requireNonNull(heloName, "heloName");
        }

        /** Sets the smart host; null, the default, looks up MX records. */
        public Builder smartHost(HostAndPort smartHost) {
            this.smartHost = smartHost;
            return this;
        }

        public Builder defaultTlsLevel(TlsLevel defaultTlsLevel) {
            this.defaultTlsLevel = Objects.requireNonNull(defaultTlsLevel, "defaultTlsLevel");
            return this;
        }

        public Builder tlsLevels(Map<String, TlsLevel> tlsLevels) {
            this.tlsLevels = Objects.requireNonNull(tlsLevels, "tlsLevels");
            return this;
        }

        /** Sets the PEM file of extra trusted CA certificates; null, the default, adds none. */
        public Builder trustFile(Path trustFile) {
            this.trustFile = trustFile;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
            return this;
        }

        public Builder dataTimeout(Duration dataTimeout) {
            this.dataTimeout = Objects.requireNonNull(dataTimeout, "dataTimeout");
            return this;
        }

        public Builder dnsServers(List<HostAndPort> dnsServers) {
            this.dnsServers = Objects.requireNonNull(dnsServers, "dnsServers");
            return this;
        }

        public Builder transports(Map<String, Transport> transports) {
            this.transports = Objects.requireNonNull(transports, "transports");
            return this;
        }

        /** Sets the DNSSEC trust anchor file; null, the default, leaves every answer insecure. */
        public Builder dnssecTrustAnchor(Path dnssecTrustAnchor) {
            this.dnssecTrustAnchor = dnssecTrustAnchor;
            return this;
        }

        public Builder daneExempt(Set<String> daneExempt) {
            this.daneExempt = Objects.requireNonNull(daneExempt, "daneExempt");
            return this;
        }

        public Builder mtaSts(boolean mtaSts) {
            this.mtaSts = mtaSts;
            return this;
        }

        public Builder fallbackTlsLevel(TlsLevel fallbackTlsLevel) {
            this.fallbackTlsLevel = Objects.requireNonNull(fallbackTlsLevel, "fallbackTlsLevel");
            return this;
        }

        public Builder connectionReuse(ConnectionReuseConfig connectionReuse) {
            this.connectionReuse = Objects.requireNonNull(connectionReuse, "connectionReuse");
            return this;
        }

        public Builder daneRequired(Set<String> daneRequired) {
            this.daneRequired = Objects.requireNonNull(daneRequired, "daneRequired");
            return this;
        }

        /**
         * Returns the settings.
         *
         * @throws IllegalArgumentException if the fallback level is {@code dane} or {@code mta-sts}
         */
        public DeliveryConfig build() {
            return new DeliveryConfig(heloName, smartHost, defaultTlsLevel, tlsLevels, trustFile, connectTimeout,
                    commandTimeout, dataTimeout, dnsServers, transports, dnssecTrustAnchor, daneExempt, mtaSts,
                    fallbackTlsLevel, connectionReuse, daneRequired);
        }
    }
}
