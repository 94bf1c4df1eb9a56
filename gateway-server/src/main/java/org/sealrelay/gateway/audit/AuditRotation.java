package org.sealrelay.gateway.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When the audit log starts a new file and how many old files it keeps.
 *
 * @param maxSize octets after which the next write starts a new file; 0 turns size rotation off
 * @param interval period after which the next write starts a new file, counted in whole
 *     periods from the Unix epoch in UTC (so {@code 1d} rotates at the first write after
 *     midnight UTC); zero turns time rotation off
 * @param keepRotated rotated files kept, oldest removed first; 0 keeps every file
 */
public record AuditRotation(long maxSize, Duration interval, int keepRotated) {
    /** No rotation: one file that grows without limit. */
    public static final AuditRotation NONE = new AuditRotation(0, Duration.ZERO, 0);

    public AuditRotation {
        Objects.requireNonNull(interval, "interval");
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize " + maxSize + " is negative");
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval " + interval + " is negative");
        }
        if (keepRotated < 0) {
            throw new IllegalArgumentException("keepRotated " + keepRotated + " is negative");
        }
    }
}
