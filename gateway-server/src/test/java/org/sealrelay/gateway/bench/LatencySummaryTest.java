package org.sealrelay.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {
    @Test
    void percentilesUseNearestRank() {
        long[] nanos = new long[200];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L;
        }
        LatencySummary summary = new LatencySummary(nanos, 100);

        assertThat(summary.count()).isEqualTo(100);
        assertThat(summary.percentileMillis(50)).isEqualTo(50.0);
        assertThat(summary.percentileMillis(99)).isEqualTo(99.0);
        assertThat(summary.percentileMillis(100)).isEqualTo(100.0);
        assertThat(summary.maxMillis()).isEqualTo(100.0);
    }

    @Test
    void singleValueIsEveryPercentile() {
        LatencySummary summary = new LatencySummary(new long[] {2_500_000L}, 1);

        assertThat(summary.percentileMillis(50)).isEqualTo(2.5);
        assertThat(summary.percentileMillis(99)).isEqualTo(2.5);
    }

    @Test
    void emptySummaryIsNaN() {
        LatencySummary summary = new LatencySummary(new long[0], 0);

        assertThat(summary.percentileMillis(50)).isNaN();
        assertThat(summary.maxMillis()).isNaN();
    }
}
