package org.sealrelay.gateway.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.spool.QueueId;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the MTA-STS policy in force for a domain (RFC 8461 section 5.1) and caches it for its
 * max_age with Caffeine.
 *
 * <ul>
 *   <li>A {@code _mta-sts.<domain>} TXT record with the id of the cached policy means the cached
 *       policy is current, so nothing is fetched.
 *   <li>A new id means the policy is fetched again; a failed fetch keeps the cached policy.
 *   <li>No TXT record, or a failed TXT lookup, keeps a cached policy until it expires (section
 *       5.1: the record's absence alone does not withdraw a policy).
 *   <li>Without a usable cached policy, a domain whose policy cannot be had is treated as having
 *       none (section 5), and the failure is logged.
 * </ul>
 *
 * <p>NOTE: policies are only refreshed when a delivery needs them, not ahead of expiry as
 * section 5.1 recommends, so a domain that removes its TXT record loses its policy at max_age.
 */
final class MtaStsPolicies {
    private static final Logger log = LoggerFactory.getLogger(MtaStsPolicies.class);

    /** Upper bound on cached domains; an estimate of the destinations one gateway sends to. */
    static final long MAX_CACHED_DOMAINS = 10_000;

    private record Cached(String id, MtaStsPolicy policy) {}

    private final DnssecResolver dns;
    private final MtaStsFetcher fetcher;
    private final Cache<String, Cached> cache = Caffeine.newBuilder()
            .maximumSize(MAX_CACHED_DOMAINS)
            .expireAfter(new Expiry<String, Cached>() {
                @Override
                public long expireAfterCreate(String domain, Cached cached, long currentTime) {
                    return cached.policy().maxAge().toNanos();
                }

                @Override
                public long expireAfterUpdate(String domain, Cached cached, long currentTime, long currentDuration) {
                    return cached.policy().maxAge().toNanos();
                }

                @Override
                public long expireAfterRead(String domain, Cached cached, long currentTime, long currentDuration) {
                    return currentDuration;
                }
            })
            .build();

    private final TlsReportCounters reports;

    MtaStsPolicies(DnssecResolver dns, MtaStsFetcher fetcher, TlsReportCounters reports) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.reports = reports;
    }

    /** Returns the policy in force for {@code domain}, or empty; the future never fails. */
    CompletableFuture<Optional<MtaStsPolicy>> policyFor(String domain, QueueId queueId) {
        Cached cached = cache.getIfPresent(domain);
        return dns.lookup("_mta-sts." + domain, Type.TXT).thenCompose(answer -> {
            String id = answer.usable() ? policyId(answer.records()) : null;
            if (id == null) {
                return done(cached == null ? Optional.empty() : Optional.of(cached.policy()));
            }
            if (cached != null && cached.id().equals(id)) {
                return done(Optional.of(cached.policy()));
            }
            return fetcher.fetch(domain).handle((policy, error) -> {
                if (error == null) {
                    cache.put(domain, new Cached(id, policy));
                    log.info("queueId={} domain={} MTA-STS policy id={} mode={} mx={} max_age={}s",
                            queueId, domain, SafeText.escape(id), policy.mode(), policy.mxPatterns(),
                            policy.maxAge().toSeconds());
                    return Optional.of(policy);
                }
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                reports.failure(domain, TlsReportCounters.PolicyType.STS,
                        TlsReportCounters.FailureType.STS_POLICY_FETCH_ERROR);
                log.warn("queueId={} domain={} MTA-STS policy id={} could not be fetched, so {}: {}", queueId, domain,
                        SafeText.escape(id), cached == null ? "no policy applies" : "the cached policy stays",
                        cause.getMessage());
                return cached == null ? Optional.<MtaStsPolicy>empty() : Optional.of(cached.policy());
            });
        });
    }

    /**
     * Returns the id of the one TXT record that starts with {@code v=STSv1}, or null when there is
     * none, several, or one without a valid id (RFC 8461 section 3.1).
     */
    static String policyId(List<Record> records) {
        List<String> candidates = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof TXTRecord txt) {
                String text = String.join("", txt.getStrings());
                if (text.startsWith("v=STSv1;") || text.equals("v=STSv1")) {
                    candidates.add(text);
                }
            }
        }
        if (candidates.size() != 1) {
            return null;
        }
        for (String field : candidates.get(0).split(";")) {
            String trimmed = field.trim();
            if (trimmed.startsWith("id=")) {
                String id = trimmed.substring(3);
                boolean valid = !id.isEmpty() && id.length() <= 32 && id.chars().allMatch(Character::isLetterOrDigit);
                return valid ? id : null;
            }
        }
        return null;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
