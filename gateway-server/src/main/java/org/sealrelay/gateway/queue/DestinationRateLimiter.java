package org.sealrelay.gateway.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sealrelay.gateway.config.DestinationRateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spaces delivery starts to one recipient domain by the domain's interval, as Postfix's
 * default_destination_rate_delay does. Each start reserves the next free time slot of its
 * domain. A start that must wait is scheduled for its slot instead of blocking a thread.
 *
 * <p>The queue manager calls {@link #run} while it holds the domain's {@link DestinationSlots}
 * slot, so a waiting delivery keeps its concurrency slot. That way the slots, not the order in
 * which slots free up, decide the spacing: two starts are never closer than the interval.
 */
final class DestinationRateLimiter {
    private static final Logger log = LoggerFactory.getLogger(DestinationRateLimiter.class);

    /** Number of remembered domains above which domains whose slot has passed are forgotten. */
    static final int PRUNE_THRESHOLD = 10_000;

    private final DestinationRateLimits limits;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Map<String, Instant> nextStartByDomain = new HashMap<>();

    /**
     * @param scheduler where a waiting start is scheduled
     * @param executor where a scheduled start runs, so that the scheduler thread never runs delivery code
     */
    DestinationRateLimiter(DestinationRateLimits limits, Clock clock, ScheduledExecutorService scheduler,
            Executor executor) {
        this.limits = limits;
        this.clock = clock;
        this.scheduler = scheduler;
        this.executor = executor;
    }

    /**
     * Runs {@code start} now when the domain's rate allows, or on the executor at its reserved
     * slot. A start that cannot be scheduled because the queue manager is stopping is dropped
     * and logged, and its message stays in the spool.
     */
    void run(String domain, Runnable start) {
        Duration wait = reserve(domain);
        if (wait.isZero()) {
            start.run();
            return;
        }
        log.debug("domain={} delivery start delayed {} ms by the destination rate limit", domain, wait.toMillis());
        try {
            scheduler.schedule(() -> executor.execute(start), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("domain={} delayed delivery not scheduled: queue manager is stopping", domain);
        }
    }

    /**
     * Reserves the domain's next start slot and returns the time until it begins. The result is
     * zero when the domain has no limit or its slot has already come.
     */
    synchronized Duration reserve(String domain) {
        Duration interval = limits.intervalFor(domain);
        if (interval.isZero()) {
            return Duration.ZERO;
        }
        Instant now = clock.instant();
        Instant next = nextStartByDomain.get(domain);
        Instant start = next == null || next.isBefore(now) ? now : next;
        if (nextStartByDomain.size() >= PRUNE_THRESHOLD) {
            forgetPassed(now);
        }
        nextStartByDomain.put(domain, start.plus(interval));
        return Duration.between(now, start);
    }

    private void forgetPassed(Instant now) {
        Iterator<Instant> slots = nextStartByDomain.values().iterator();
        while (slots.hasNext()) {
            if (!slots.next().isAfter(now)) {
                slots.remove();
            }
        }
    }
}
