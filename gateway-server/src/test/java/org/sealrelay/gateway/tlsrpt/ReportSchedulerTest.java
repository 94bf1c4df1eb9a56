package org.sealrelay.gateway.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReportSchedulerTest {
    @Test
    void runIsLaterTodayBeforeSendTime() {
        ReportScheduler scheduler = new ReportScheduler(LocalTime.of(0, 30), Duration.ZERO, new SplittableRandom(1));

        assertThat(scheduler.nextRun(Instant.parse("2026-12-04T00:10:00Z")))
                .isEqualTo(Instant.parse("2026-12-04T00:30:00Z"));
    }

    @Test
    void runIsTomorrowAfterSendTime() {
        ReportScheduler scheduler = new ReportScheduler(LocalTime.of(0, 30), Duration.ZERO, new SplittableRandom(1));

        assertThat(scheduler.nextRun(Instant.parse("2026-12-04T00:30:00Z")))
                .isEqualTo(Instant.parse("2026-12-05T00:30:00Z"));
    }

    @Test
    void jitterStaysWithinBound() {
        ReportScheduler scheduler = new ReportScheduler(LocalTime.of(1, 0), Duration.ofMinutes(30),
                new SplittableRandom(7));

        for (int i = 0; i < 200; i++) {
            Instant next = scheduler.nextRun(Instant.parse("2026-12-04T12:00:00Z"));
            assertThat(next).isBetween(Instant.parse("2026-12-05T01:00:00Z"), Instant.parse("2026-12-05T01:30:00Z"));
        }
    }
}
