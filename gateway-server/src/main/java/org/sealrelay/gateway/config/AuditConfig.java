package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Locations of the audit log and its key.
 *
 * @param file the audit log (JSON lines); created with mode 0600 when missing
 * @param keyFile the HMAC key of the log; created with mode 0600 when missing
 */
public record AuditConfig(Path file, Path keyFile) {
    public AuditConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    /** Returns the default: {@code audit.log} beside the spool directory and {@code audit.key} beside the spool keys. */
    public static AuditConfig besideSpool(SpoolConfig spool) {
        return new AuditConfig(spool.directory().resolveSibling("audit.log"), spool.keyFile().resolveSibling("audit.key"));
    }
}
