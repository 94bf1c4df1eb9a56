package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Spool settings.
 *
 * @param directory root of the spool; created on first start
 * @param keyFile file holding the encryption keys for data at rest; created with mode 0600 on
 *     first start when missing
 */
public record SpoolConfig(Path directory, Path keyFile) {
    public SpoolConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
