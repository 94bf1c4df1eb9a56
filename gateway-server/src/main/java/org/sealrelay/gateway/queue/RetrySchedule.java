package org.sealrelay.gateway.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.sealrelay.gateway.config.QueueConfig;

/**
 * Exponential backoff with jitter: the n-th deferral waits initial x 2^(n-1), capped at the
 * maximum, then spread by up to 10% either way so messages deferred together do not return to
 * a recovering next hop in one burst.
 */
final class RetrySchedule {
    private final Duration initial;
    private final Duration max;

    RetrySchedule(QueueConfig config) {
        this.initial = config.initialRetryDelay();
        this.max = config.maxRetryDelay();
    }

    /** Returns the delay after the given number of deferrals (1 for the first). */
    Duration delayAfter(int deferrals) {
        long baseMillis = initial.toMillis();
        int doublings = Math.max(0, Math.min(deferrals - 1, 40));
        long delay = baseMillis;
        for (int i = 0; i < doublings && delay < max.toMillis(); i++) {
            delay *= 2;
        }
        delay = Math.min(delay, max.toMillis());
        long jitter = delay / 10;
        if (jitter > 0) {
            delay += ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        }
        return Duration.ofMillis(Math.max(1, delay));
    }
}
