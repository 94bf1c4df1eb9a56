package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Locations of the audit log and its key, and when the log is rotated.
 *
 * @param file the audit log (JSON lines); created with mode 0600 when missing
 * @param keyFile the HMAC key of the log; created with mode 0600 when missing
 * @param rotateSize octets after which the next write starts a new file; 0 turns size rotation off
 * @param rotateInterval period after which the next write starts a new file, counted from
 *     midnight UTC; zero turns time rotation off
 * @param keepRotated rotated files kept, the oldest removed first; 0 keeps all of them
 */
public record AuditConfig(Path file, Path keyFile, long rotateSize, Duration rotateInterval, int keepRotated) {
    public AuditConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(rotateInterval, "rotateInterval");
    }

    /**
     * Returns the default: {@code audit.log} beside the spool directory and {@code audit.key}
     * beside the spool keys, not rotated.
     */
    public static AuditConfig besideSpool(SpoolConfig spool) {
        return new AuditConfig(spool.directory().resolveSibling("audit.log"), spool.keyFile().resolveSibling("audit.key"),
                0, Duration.ZERO, 0);
    }
}
