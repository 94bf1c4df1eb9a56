package org.sealrelay.gateway.crypto.keys.discovery;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealrelay.gateway.crypto.keys.Addresses;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.crypto.keys.RecordedKey;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the key finders for an address, hands what they find to the {@link KeyDirectory}, and
 * caches the outcome per address with Caffeine: {@link #positiveTtl} when a key was found,
 * {@link #negativeTtl} when every finder answered that there is none, and a shorter time when
 * a finder failed, so that a temporary outage is retried soon.
 *
 * <p>Pinning stays with the directory: a discovered key that differs from the pinned one is a
 * conflict there and is not used. {@link KeyDirectory#lookup} itself never runs discovery, so
 * callers that want discovery call {@link #lookup} here.
 *
 * <p>Threads: finders run asynchronously; recording and directory checks run on this object's
 * executor, never on the caller's thread, so {@link #capabilities} may be called on a Netty
 * event loop.
 */
public final class KeyDiscovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyDiscovery.class);
    public static final Duration DEFAULT_POSITIVE_TTL = Duration.ofHours(6);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofHours(1);
    /** How long a run with a failed finder and no key is reused before it is retried. */
    static final Duration MAX_FAILURE_TTL = Duration.ofMinutes(5);
    private static final long MAX_ADDRESSES = 50_000;
    /** How long capabilities from a finished run are shown while a newer run is pending. */
    private static final Duration LAST_KNOWN_TTL = Duration.ofDays(7);

    private final KeyDirectory directory;
    private final List<KeyFinder> finders;
    private final Duration positiveTtl;
    private final Duration negativeTtl;
    private final ExecutorService executor;
    private final AsyncLoadingCache<String, DiscoveryResult> results;
    private final Cache<String, KeyCapabilities> lastKnown;

    /**
     * @param finders the methods to run, all at once for each address; empty means the
     *     directory's own keys only
     * @throws IllegalArgumentException if a TTL is zero or negative
     */
    public KeyDiscovery(KeyDirectory directory, List<KeyFinder> finders, Duration positiveTtl, Duration negativeTtl) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.finders = List.copyOf(finders);
        this.positiveTtl = requirePositive(positiveTtl, "positive TTL");
        this.negativeTtl = requirePositive(negativeTtl, "negative TTL");
        AtomicInteger counter = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "key-discovery-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.results = Caffeine.newBuilder()
                .maximumSize(MAX_ADDRESSES)
                .executor(executor)
                .expireAfter(new ResultExpiry())
                // Finders may do work on the calling thread before they go asynchronous, and
                // capabilities() is called on event loops, so each run starts on the executor.
                .buildAsync((address, loadExecutor) -> CompletableFuture.supplyAsync(() -> run(address), executor)
                        .thenCompose(run -> run));
        this.lastKnown = Caffeine.newBuilder()
                .maximumSize(MAX_ADDRESSES)
                .expireAfterWrite(LAST_KNOWN_TTL)
                .build();
    }

    /**
     * Discovers the keys of an address, or reuses a cached run, then looks the address up in
     * the directory. The future never fails for a finder's error; it fails with
     * {@link IllegalArgumentException} only if the text is not a mail address.
     */
    public CompletableFuture<RecipientKeys> lookup(String address) {
        String normalized;
        try {
            normalized = Addresses.normalize(address);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return results.get(normalized).thenApplyAsync(result -> directory.lookup(normalized), executor);
    }

    /**
     * Runs discovery for an address now, replacing a cached run, and returns what each finder
     * found and what the directory did with it.
     *
     * @throws IllegalArgumentException if the text is not a mail address
     */
    public CompletableFuture<DiscoveryResult> discover(String address) {
        String normalized = Addresses.normalize(address);
        results.synchronous().invalidate(normalized);
        return results.get(normalized);
    }

    /**
     * Returns the key facts of an address for the policy engine without blocking: the result of
     * a finished, cached discovery run when there is one; otherwise the last known facts marked
     * not current (or {@link KeyCapabilities#UNKNOWN}), while a run starts in the background so
     * that a later call has the answer. Safe to call on a Netty event loop.
     *
     * <p>The facts are a snapshot from the end of the run. A key that expires later is still
     * reported until the run expires, so delivery must check the key again with
     * {@link #lookup} or {@link KeyDirectory#lookup}.
     *
     * @throws IllegalArgumentException if the text is not a mail address
     */
    public KeyCapabilities capabilities(String address) {
        String normalized = Addresses.normalize(address);
        CompletableFuture<DiscoveryResult> run = results.get(normalized);
        if (run.isDone() && !run.isCompletedExceptionally()) {
            return run.join().capabilities();
        }
        KeyCapabilities last = lastKnown.getIfPresent(normalized);
        return last == null ? KeyCapabilities.UNKNOWN : last.pending();
    }

    /**
     * Records keys taken from relayed mail in the directory and drops the cached runs of their
     * addresses, so that the next capabilities call includes them.
     */
    public void recordHarvested(List<DiscoveredKey> keys) {
        for (DiscoveredKey key : keys) {
            RecordedKey recorded = record(key);
            log.info("harvested {} key {} for {}: {}", key.key().kind().label(), key.key().fingerprint(),
                    Redact.address(key.address()), recorded == null ? "not recorded" : recorded.outcome());
            results.synchronous().invalidate(key.address());
        }
    }

    /** Returns the directory that discovered keys are recorded in. */
    public KeyDirectory directory() {
        return directory;
    }

    private CompletableFuture<DiscoveryResult> run(String address) {
        List<CompletableFuture<List<DiscoveredKey>>> runs = new ArrayList<>();
        for (KeyFinder finder : finders) {
            CompletableFuture<List<DiscoveredKey>> found;
            try {
                found = finder.find(address);
            } catch (RuntimeException e) {
                found = CompletableFuture.failedFuture(e);
            }
            runs.add(found);
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> null)
                .thenApplyAsync(ignored -> collect(address, runs), executor);
    }

    private DiscoveryResult collect(String address, List<CompletableFuture<List<DiscoveredKey>>> runs) {
        List<DiscoveryResult.Found> found = new ArrayList<>();
        List<DiscoveryResult.Failure> failures = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            KeyFinder finder = finders.get(i);
            CompletableFuture<List<DiscoveredKey>> run = runs.get(i);
            if (run.isCompletedExceptionally()) {
                String reason = run.handle((keys, error) -> WkdFinder.describe(error)).join();
                log.info("{} lookup for {} failed: {}", finder.source().label(), Redact.address(address), reason);
                failures.add(new DiscoveryResult.Failure(finder.source(), reason));
                continue;
            }
            for (DiscoveredKey key : run.join()) {
                RecordedKey recorded = record(key);
                if (recorded == null) {
                    failures.add(new DiscoveryResult.Failure(finder.source(), "the key directory cannot be written"));
                } else {
                    found.add(new DiscoveryResult.Found(key.source(), key.location(), recorded));
                }
            }
        }
        KeyCapabilities capabilities = KeyCapabilities.of(directory.lookup(address));
        lastKnown.put(address, capabilities);
        return new DiscoveryResult(address, found, failures, capabilities);
    }

    /** Records one key; returns null after logging when the directory cannot be written. */
    private RecordedKey record(DiscoveredKey key) {
        try {
            RecordedKey recorded = directory.recordDiscovered(key);
            if (recorded.outcome() == RecordedKey.Outcome.REJECTED) {
                log.info("{} key {} for {} not used ({}): {}", key.source().label(), recorded.fingerprint(),
                        Redact.address(key.address()), recorded.check().status(), recorded.check().detail());
            }
            return recorded;
        } catch (KeyDirectoryException e) {
            log.error("recording {} key {} for {} failed: {}", key.source().label(), key.key().fingerprint(),
                    Redact.address(key.address()), e.getMessage());
            return null;
        }
    }

    /** Stops the discovery threads; runs in flight are abandoned. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    private final class ResultExpiry implements Expiry<String, DiscoveryResult> {
        @Override
        public long expireAfterCreate(String address, DiscoveryResult result, long currentTime) {
            Duration ttl;
            if (result.foundAny()) {
                ttl = positiveTtl;
            } else if (result.failures().isEmpty()) {
                ttl = negativeTtl;
            } else {
                ttl = MAX_FAILURE_TTL.compareTo(negativeTtl) < 0 ? MAX_FAILURE_TTL : negativeTtl;
            }
            return ttl.toNanos();
        }

        @Override
        public long expireAfterUpdate(String address, DiscoveryResult result, long currentTime, long currentDuration) {
            return expireAfterCreate(address, result, currentTime);
        }

        @Override
        public long expireAfterRead(String address, DiscoveryResult result, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    private static Duration requirePositive(Duration ttl, String name) {
        Objects.requireNonNull(ttl, name);
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("invalid " + name + " " + ttl + ": expected a positive duration");
        }
        return ttl;
    }
}
