package org.sealrelay.gateway.bench;

import java.util.Arrays;

/** Percentiles of a set of latencies in nanoseconds, by the nearest-rank method. */
final class LatencySummary {
    private final long[] sorted;

    LatencySummary(long[] nanos, int count) {
        sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /**
     * Returns the smallest value that at least {@code percent} percent of the values do not
     * exceed, in milliseconds, or NaN when there are no values.
     */
    double percentileMillis(double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1] / 1e6;
    }

    double maxMillis() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }
}
