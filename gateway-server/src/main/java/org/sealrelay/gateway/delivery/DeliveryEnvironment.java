package org.sealrelay.gateway.delivery;

import java.util.Objects;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.dns.UpstreamResolvers;
import org.xbill.DNS.Resolver;

/**
 * The agent's outside dependencies: the DNS resolver that MX, address, TLSA and TXT lookups
 * go through, and the port that MX hosts are dialled on. Production builds it from the
 * configuration; tests substitute an in-memory resolver and a loopback port.
 *
 * @param dnsResolver the upstream resolver; DNSSEC validation wraps it for the {@code dane} level
 * @param mxPortOverride port for MX hosts instead of 25, or 0 to keep the route's port
 * @param dnssecTrustAnchor DS or DNSKEY records in zone file format for the DNSSEC validator, or
 *     null for none
 * @param mtaStsPolicyUris the MTA-STS policy URI of a domain
 * @param mtaStsTimeout connect and response timeout of an MTA-STS policy fetch
 */
record DeliveryEnvironment(
        Resolver dnsResolver,
        int mxPortOverride,
        java.nio.file.Path dnssecTrustAnchor,
        java.util.function.Function<String, java.net.URI> mtaStsPolicyUris,
        java.time.Duration mtaStsTimeout) {
    /** Default MTA-STS fetch timeout; RFC 8461 section 3.3 leaves the value to the sender. */
    static final java.time.Duration DEFAULT_MTA_STS_TIMEOUT = java.time.Duration.ofSeconds(30);

    /** Creates an environment with the well-known MTA-STS policy URIs and the default timeout. */
    DeliveryEnvironment(Resolver dnsResolver, int mxPortOverride, java.nio.file.Path dnssecTrustAnchor) {
        this(dnsResolver, mxPortOverride, dnssecTrustAnchor, MtaStsFetcher::wellKnownUri, DEFAULT_MTA_STS_TIMEOUT);
    }

    DeliveryEnvironment {
        Objects.requireNonNull(dnsResolver, "dnsResolver");
        Objects.requireNonNull(mtaStsPolicyUris, "mtaStsPolicyUris");
        Objects.requireNonNull(mtaStsTimeout, "mtaStsTimeout");
        if (mxPortOverride < 0 || mxPortOverride > 65535) {
            throw new IllegalArgumentException("invalid MX port override " + mxPortOverride + ": expected 0 to 65535");
        }
    }

    /**
     * Builds the production environment: the configured DNS servers, or the system resolvers
     * when none are configured.
     *
     * @throws IllegalArgumentException when a server is neither an IP literal nor a resolvable name
     */
    static DeliveryEnvironment fromConfig(DeliveryConfig config) {
        return new DeliveryEnvironment(UpstreamResolvers.forServers(config.dnsServers()), 0, config.dnssecTrustAnchor());
    }
}
