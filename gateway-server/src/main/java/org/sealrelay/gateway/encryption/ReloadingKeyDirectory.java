package org.sealrelay.gateway.encryption;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway's view of the recipient key directory. {@code sealrelay keys import}
 * and {@code remove} change the folder from another process, so the directory is opened again
 * when the folder's modification time changes, checked at most once per {@link #CHECK_INTERVAL}.
 * If the new state cannot be loaded (for example a record is being written), the previous
 * keys stay in use and the next check tries again.
 */
final class ReloadingKeyDirectory implements Function<String, RecipientKeys> {
    private static final Logger log = LoggerFactory.getLogger(ReloadingKeyDirectory.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Path directory;
    private final Clock clock;
    private volatile KeyDirectory current;
    private volatile FileTime loadedModified;
    private volatile Instant nextCheck;

    private ReloadingKeyDirectory(Path directory, Clock clock, KeyDirectory current, FileTime loadedModified) {
        this.directory = directory;
        this.clock = clock;
        this.current = current;
        this.loadedModified = loadedModified;
        this.nextCheck = clock.instant().plus(CHECK_INTERVAL);
    }

    /**
     * Opens the directory, creating it if missing.
     *
     * @throws KeyDirectoryException if it cannot be created or a record is broken
     */
    static ReloadingKeyDirectory open(Path directory, Clock clock) throws KeyDirectoryException {
        FileTime modified = modifiedTime(directory);
        KeyDirectory keys = KeyDirectory.open(directory, clock);
        return new ReloadingKeyDirectory(directory, clock, keys, modified);
    }

    @Override
    public RecipientKeys apply(String address) {
        reloadIfChanged();
        return current.lookup(address);
    }

    private void reloadIfChanged() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                return;
            }
            nextCheck = now.plus(CHECK_INTERVAL);
            FileTime modified = modifiedTime(directory);
            if (modified == null || modified.equals(loadedModified)) {
                return;
            }
            try {
                current = KeyDirectory.open(directory, clock);
                loadedModified = modified;
                log.info("recipient key directory {} changed; reloaded", directory);
            } catch (KeyDirectoryException e) {
                log.warn("recipient key directory {} changed but cannot be loaded; keeping the previous keys: {}",
                        directory, e.getMessage());
            }
        }
    }

    private static FileTime modifiedTime(Path directory) {
        try {
            return Files.getLastModifiedTime(directory);
        } catch (IOException e) {
            return null;
        }
    }
}
