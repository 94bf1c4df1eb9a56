package org.sealrelay.gateway.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Refresh ahead of expiry: a policy that a delivery used since its last fetch is fetched
 * again in the background after {@link #refreshDelay} (three quarters of max_age, at most a
 * day), so that an attacker who blocks the TXT lookup or the policy host for a while cannot let
 * a policy in use lapse. The refresh checks the TXT id first and keeps the cached id when the
 * lookup fails. A successful refresh restarts max_age. A failed one keeps the cached policy until
 * its max_age ends, is logged, and is tried again after {@link #RETRY_DELAY} while time remains.
 * A policy no delivery used since its last fetch is left to expire.
 */
final class MtaStsPolicies {
    private static final Logger log = LoggerFactory.getLogger(MtaStsPolicies.class);

    /** Upper bound on cached domains; an estimate of the destinations one gateway sends to. */
    static final long MAX_CACHED_DOMAINS = 10_000;

    /** Maximum wait before a policy in use is fetched again, whatever its max_age. */
    static final Duration MAX_REFRESH_DELAY = Duration.ofDays(1);

    /** Wait after a failed refresh. Drafts of RFC 8461 suggested five minutes or more between failed fetches. */
    static final Duration RETRY_DELAY = Duration.ofMinutes(5);

    /**
     * One cached policy.
     *
     * @param fetchedAtNanos ticker time of the fetch, the start of max_age
     * @param used whether a delivery applied the policy since the fetch
     */
    private record Cached(String id, MtaStsPolicy policy, long fetchedAtNanos, AtomicBoolean used) {}

    private final DnssecResolver dns;
    private final MtaStsFetcher fetcher;
    private final Ticker ticker;
    private volatile boolean closed;
    private final Cache<String, Cached> cache;

    private final TlsReportCounters reports;

    MtaStsPolicies(DnssecResolver dns, MtaStsFetcher fetcher, TlsReportCounters reports) {
        this(dns, fetcher, reports, Ticker.systemTicker());
    }

    /** @param ticker the time source of max_age, replaced in tests */
    MtaStsPolicies(DnssecResolver dns, MtaStsFetcher fetcher, TlsReportCounters reports, Ticker ticker) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.reports = reports;
        this.ticker = ticker;
        this.cache = newCache(ticker);
    }

    private static Cache<String, Cached> newCache(Ticker ticker) {
        return Caffeine.newBuilder()
                .ticker(ticker)
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
    }

    /** Stops background refreshes. Refreshes already scheduled do nothing when they come due. */
    void close() {
        closed = true;
    }

    /** Returns the policy in force for {@code domain}, or empty; the future never fails. */
    CompletableFuture<Optional<MtaStsPolicy>> policyFor(String domain, QueueId queueId) {
        Cached cached = cache.getIfPresent(domain);
        return dns.lookup("_mta-sts." + domain, Type.TXT).thenCompose(answer -> {
            String id = answer.usable() ? policyId(answer.records()) : null;
            if (id == null) {
                return done(use(cached));
            }
            if (cached != null && cached.id().equals(id)) {
                return done(use(cached));
            }
            return fetcher.fetch(domain).handle((policy, error) -> {
                if (error == null) {
                    store(domain, new Cached(id, policy, ticker.read(), new AtomicBoolean(true)));
                    log.info("queueId={} domain={} MTA-STS policy id={} mode={} mx={} max_age={}s",
                            queueId, domain, SafeText.escape(id), policy.mode(), policy.mxPatterns(),
                            policy.maxAge().toSeconds());
                    return Optional.of(policy);
                }
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                reports.failure(domain, TlsReportCounters.PolicyType.STS, MtaStsFetcher.failureType(cause));
                log.warn("queueId={} domain={} MTA-STS policy id={} could not be fetched, so {}: {}", queueId, domain,
                        SafeText.escape(id), cached == null ? "no policy applies" : "the cached policy stays",
                        cause.getMessage());
                return use(cached);
            });
        });
    }

    private static Optional<MtaStsPolicy> use(Cached cached) {
        if (cached == null) {
            return Optional.empty();
        }
        cached.used().set(true);
        return Optional.of(cached.policy());
    }

    /** Returns how long after a fetch a policy in use is fetched again. */
    static Duration refreshDelay(Duration maxAge) {
        Duration threeQuarters = maxAge.multipliedBy(3).dividedBy(4);
        return threeQuarters.compareTo(MAX_REFRESH_DELAY) > 0 ? MAX_REFRESH_DELAY : threeQuarters;
    }

    private void store(String domain, Cached fresh) {
        cache.put(domain, fresh);
        schedule(domain, fresh, refreshDelay(fresh.policy().maxAge()));
    }

    private void schedule(String domain, Cached expected, Duration delay) {
        if (expected.policy().maxAge().isZero()) {
            return;
        }
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> refresh(domain, expected));
    }

    /**
     * Refreshes the cached policy of {@code domain} now, whether or not a delivery used it, for
     * tests.
     *
     * @return whether a new policy was fetched and cached
     */
    CompletableFuture<Boolean> refreshNow(String domain) {
        Cached cached = cache.getIfPresent(domain);
        if (cached == null) {
            return done(false);
        }
        cached.used().set(true);
        return refresh(domain, cached);
    }

    /**
     * Fetches the policy of {@code domain} again if {@code expected} is still the cached entry
     * and was used since its fetch. The future never fails.
     */
    private CompletableFuture<Boolean> refresh(String domain, Cached expected) {
        if (closed || cache.getIfPresent(domain) != expected) {
            // Evicted, expired, or replaced by a newer fetch with its own schedule.
            return done(false);
        }
        if (!expected.used().get()) {
            log.debug("domain={} MTA-STS policy id={} not refreshed: unused since its fetch", domain,
                    SafeText.escape(expected.id()));
            return done(false);
        }
        return dns.lookup("_mta-sts." + domain, Type.TXT)
                .thenApply(answer -> answer.usable() ? policyId(answer.records()) : null)
                .exceptionally(error -> null)
                .thenCompose(txtId -> {
                    String id = txtId == null ? expected.id() : txtId;
                    return fetcher.fetch(domain).handle((policy, error) -> onRefreshed(domain, expected, id, policy, error));
                })
                .exceptionally(error -> {
                    log.error("domain={} MTA-STS policy refresh failed with an internal error", domain, error);
                    return false;
                });
    }

    private boolean onRefreshed(String domain, Cached expected, String id, MtaStsPolicy policy, Throwable error) {
        if (error == null) {
            Cached fresh = new Cached(id, policy, ticker.read(), new AtomicBoolean(false));
            if (!cache.asMap().replace(domain, expected, fresh)) {
                return false;
            }
            schedule(domain, fresh, refreshDelay(policy.maxAge()));
            log.info("domain={} MTA-STS policy refreshed ahead of expiry: id={} mode={} mx={} max_age={}s", domain,
                    SafeText.escape(id), policy.mode(), policy.mxPatterns(), policy.maxAge().toSeconds());
            return true;
        }
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        Duration remaining = expected.policy().maxAge().minusNanos(ticker.read() - expected.fetchedAtNanos());
        log.warn("domain={} MTA-STS policy refresh failed, so the cached policy id={} stays until it expires in {} s: {}",
                domain, SafeText.escape(expected.id()), Math.max(0, remaining.toSeconds()), cause.getMessage());
        if (remaining.compareTo(RETRY_DELAY) > 0) {
            schedule(domain, expected, RETRY_DELAY);
        }
        return false;
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
