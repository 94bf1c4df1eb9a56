package org.sealrelay.gateway.tlsrpt;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.random.RandomGenerator;

/** Computes when the daily report run starts: the configured UTC time of day plus a random jitter. */
final class ReportScheduler {
    private final LocalTime sendTime;
    private final Duration jitter;
    private final RandomGenerator random;

    ReportScheduler(LocalTime sendTime, Duration jitter, RandomGenerator random) {
        this.sendTime = sendTime;
        this.jitter = jitter;
        this.random = random;
    }

    /** Returns the first send time after {@code now}, with a jitter from zero up to the configured bound. */
    Instant nextRun(Instant now) {
        ZonedDateTime utcNow = now.atZone(ZoneOffset.UTC);
        ZonedDateTime candidate = utcNow.toLocalDate().atTime(sendTime).atZone(ZoneOffset.UTC);
        if (!candidate.toInstant().isAfter(now)) {
            candidate = candidate.plusDays(1);
        }
        long jitterMillis = jitter.isZero() ? 0 : random.nextLong(jitter.toMillis() + 1);
        return candidate.toInstant().plusMillis(jitterMillis);
    }
}
