package org.sealrelay.gateway.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS capabilities each destination domain showed in its last session, in a Caffeine cache.
 * A change in what a domain offers (STARTTLS gone, verification lost, another policy in force) is
 * logged at INFO, since it is what an operator investigating a downgrade looks for.
 */
final class CapabilityCache implements DestinationCapabilityLookup {
    private static final Logger log = LoggerFactory.getLogger(CapabilityCache.class);

    /** Retention of an observation, because older facts may describe servers that the domain has since replaced. */
    static final Duration RETENTION = Duration.ofDays(7);

    /** Upper bound on cached domains; an estimate of the destinations one gateway sends to. */
    static final long MAX_DOMAINS = 100_000;

    private final Cache<String, DestinationCapabilities> cache = Caffeine.newBuilder()
            .maximumSize(MAX_DOMAINS)
            .expireAfterWrite(RETENTION)
            .build();

    @Override
    public Optional<DestinationCapabilities> lookup(String domain) {
        return Optional.ofNullable(cache.getIfPresent(domain.toLowerCase(Locale.ROOT)));
    }

    /** Stores an observation and logs it when its TLS facts differ from the previous one. */
    void record(DestinationCapabilities observed) {
        DestinationCapabilities previous = cache.asMap().put(observed.domain(), observed);
        if (previous == null || !previous.sameSecurity(observed)) {
            log.info("domain={} nextHop={} capabilities changed: startTls={} protocol={} cipher={} verified={}"
                            + " policy={} (before: {})",
                    observed.domain(), observed.nextHop(), observed.startTlsOffered(), observed.tlsProtocol(),
                    observed.tlsCipher(), observed.peerVerified(), observed.policy(),
                    previous == null ? "none" : previous.policy() + ", verified=" + previous.peerVerified()
                            + ", startTls=" + previous.startTlsOffered());
        }
    }
}
