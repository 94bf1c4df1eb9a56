package org.sealrelay.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.DestinationRateLimits;

/** Slot reservation against a clock that only moves when the test moves it. */
class DestinationRateLimiterTest {
    /** A clock that stands still until {@link #advance} is called. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-04T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();

    private DestinationRateLimiter limiter(DestinationRateLimits limits) {
        return new DestinationRateLimiter(limits, clock, null, Runnable::run);
    }

    @Test
    void startsAreSpacedByInterval() {
        DestinationRateLimiter limiter = limiter(new DestinationRateLimits(Duration.ofSeconds(1), Map.of()));

        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofMillis(1500));
        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void idleDomainStartsAtOnce() {
        DestinationRateLimiter limiter = limiter(new DestinationRateLimits(Duration.ofSeconds(1), Map.of()));
        limiter.reserve("lab.example");
        limiter.reserve("lab.example");

        clock.advance(Duration.ofSeconds(5));

        // Unused slots do not accumulate into a burst.
        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void domainsAreLimitedSeparately() {
        DestinationRateLimiter limiter = limiter(new DestinationRateLimits(Duration.ofSeconds(1), Map.of()));
        limiter.reserve("lab.example");

        assertThat(limiter.reserve("clinic.example")).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve("lab.example")).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void overrideCoversSubdomains() {
        DestinationRateLimiter limiter = limiter(new DestinationRateLimits(Duration.ZERO,
                Map.of("lab.example", Duration.ofSeconds(10))));

        assertThat(limiter.reserve("mail.lab.example")).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve("mail.lab.example")).isEqualTo(Duration.ofSeconds(10));
        assertThat(limiter.reserve("clinic.example")).isEqualTo(Duration.ZERO);
        assertThat(limiter.reserve("clinic.example")).isEqualTo(Duration.ZERO);
    }

    @Test
    void runStartsAtOnceWithoutLimit() {
        StringBuilder started = new StringBuilder();
        DestinationRateLimiter limiter = limiter(DestinationRateLimits.NONE);

        limiter.run("lab.example", () -> started.append("first"));

        assertThat(started).hasToString("first");
    }

    @Test
    void rateParsesToInterval() {
        assertThat(DestinationRateLimits.parseRate("60/m")).isEqualTo(Duration.ofSeconds(1));
        assertThat(DestinationRateLimits.parseRate("4/s")).isEqualTo(Duration.ofMillis(250));
        assertThat(DestinationRateLimits.parseRate("3600 / h")).isEqualTo(Duration.ofSeconds(1));
        assertThat(DestinationRateLimits.parseRate("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void invalidRateIsRejected() {
        assertThatThrownBy(() -> DestinationRateLimits.parseRate("0/s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid rate '0/s': expected messages per unit such as 10/s, 60/m or 500/h, or 0 for no limit");
        assertThatThrownBy(() -> DestinationRateLimits.parseRate("fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid rate 'fast': ");
    }
}
