package org.sealrelay.gateway.crypto.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sealrelay.gateway.logging.Redact;

/**
 * Imports the keys of a file as an administrator's decision: checks each key, rejects a key that
 * would take over an address pinned to another key unless asked to replace it, and merges an
 * update into the stored key. Every method expects the caller to hold the {@link KeyIndex}
 * lock.
 */
final class KeyImporter {
    /**
     * Key files above this size are rejected, which bounds the memory an import needs. Public
     * keys with many third-party certifications can reach hundreds of KiB (an estimate).
     */
    static final long MAX_KEY_FILE_BYTES = 4L << 20;

    private final KeyIndex index;
    private final KeyPinning pinning;
    private final Clock clock;

    KeyImporter(KeyIndex index, KeyPinning pinning, Clock clock) {
        this.index = index;
        this.pinning = pinning;
        this.clock = clock;
    }

    /** Implements {@link KeyDirectory#importFile}. */
    List<ImportedKey> importFile(Path file, boolean replace) throws KeyDirectoryException {
        index.reloadIfChanged();
        List<RecipientKey> keys = KeyFileParser.parse(readKeyFile(file));
        String source = "file:" + file.toAbsolutePath().normalize();
        Instant now = clock.instant();

        List<ImportedKey> planned = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        for (RecipientKey key : keys) {
            for (String address : key.addresses()) {
                // Pinning allows one key of each kind per address, so a file cannot bring two.
                if (!claimed.add(key.kind().label() + " " + address)) {
                    throw new KeyDirectoryException(file + ": contains more than one " + key.kind().label() + " key for "
                            + Redact.address(address) + "; import them one at a time");
                }
            }
            planned.add(plan(key, replace, source, now));
        }
        try {
            for (ImportedKey imported : planned) {
                commit(imported);
            }
        } finally {
            index.publish();
        }
        return planned;
    }

    private ImportedKey plan(RecipientKey key, boolean replace, String source, Instant now) throws KeyDirectoryException {
        String name = key.kind().label() + " key " + key.fingerprint();
        if (key.addresses().isEmpty()) {
            throw new KeyDirectoryException(name + " names no mail address; nothing to index it by");
        }

        KeyEntry existing = index.get(key.kind(), key.fingerprint());
        RecipientKey merged = existing == null ? key : KeyPinning.merge(existing.key(), key);
        KeyCheck check = merged.check(now);
        if (existing == null && !check.isUsable()) {
            throw new KeyDirectoryException(name + " rejected (" + check.status() + "): " + check.detail());
        }

        Set<String> addresses = new LinkedHashSet<>();
        if (existing != null) {
            addresses.addAll(existing.addresses());
        }
        List<String> replaced = new ArrayList<>();
        for (String address : key.addresses()) {
            Optional<KeyEntry> pinned = index.pinned(key.kind(), address);
            if (pinned.isPresent() && !pinned.get().fingerprint().equals(key.fingerprint())) {
                if (!replace) {
                    throw new KeyDirectoryException("address " + Redact.address(address) + " is pinned to "
                            + key.kind().label() + " key " + pinned.get().fingerprint()
                            + "; import with --replace to pin it to " + key.fingerprint() + " instead");
                }
                replaced.add(pinned.get().fingerprint());
            }
            addresses.add(address);
        }

        Instant importedAt = existing == null ? now : existing.importedAt();
        // An update keeps the source of the first import, which is where the pin came from.
        String recordedSource = existing == null ? source : existing.source();
        Set<String> conflicts = new LinkedHashSet<>(existing == null ? Set.of() : existing.conflicts());
        conflicts.removeAll(addresses);
        // Importing a file is an administrator's decision, whatever source found the key first.
        KeyEntry entry = new KeyEntry(merged, addresses, recordedSource, importedAt, KeyTrust.ADMINISTRATOR, conflicts);
        return new ImportedKey(entry, existing != null, check, replaced);
    }

    private void commit(ImportedKey imported) throws KeyDirectoryException {
        KeyEntry entry = imported.entry();
        for (String fingerprint : imported.replacedFingerprints()) {
            pinning.unpin(entry.kind(), fingerprint, entry.addresses());
        }
        index.save(entry);
    }

    private static byte[] readKeyFile(Path file) throws KeyDirectoryException {
        try {
            long size = Files.size(file);
            if (size > MAX_KEY_FILE_BYTES) {
                throw new KeyDirectoryException(file + ": key file is " + size + " bytes; the maximum is " + MAX_KEY_FILE_BYTES);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyDirectoryException(file + ": key file not found", e);
        } catch (IOException e) {
            throw new KeyDirectoryException(file + ": cannot read key file: " + e.getMessage(), e);
        }
    }
}
