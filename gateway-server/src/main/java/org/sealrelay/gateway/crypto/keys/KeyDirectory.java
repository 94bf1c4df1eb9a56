package org.sealrelay.gateway.crypto.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recipient keys on disk, indexed by mail address, with pinning.
 *
 * <p>Pinning: each address has at most one key of each {@link KeyKind}. Importing a key with
 * another fingerprint for a pinned address fails unless {@code replace} is set, so a changed
 * key, which may be an attacker's, is never used silently. Importing a key that is already in
 * the directory merges the new material into it (OpenPGP) or rewrites it (X.509), so refreshed
 * subkeys and revocations take effect. Discovered keys ({@link #recordDiscovered}) follow the
 * same rule: the first one is pinned, and a different one is kept as a conflict until
 * {@link #accept} pins it.
 *
 * <p>Checks: a new key must be usable at import time (not expired, not revoked, able to
 * encrypt). Lookups check again, because keys expire, and return the reason when the pinned
 * key is no longer usable. Lookup results are cached for {@link #LOOKUP_CACHE_TTL}, so an
 * expiry is noticed up to that much later; import and remove clear the cache.
 *
 * <p>Thread safety: all methods may be called concurrently. Changes run under this object's
 * lock and then publish an immutable snapshot, which lookups read without the lock, so a
 * cache load never waits for an import that is clearing the cache. Every call first checks
 * the directory's modification time and reloads the records when another process, such as
 * the {@code sealrelay keys} commands, changed them. Two processes writing the same key at the
 * same moment can still lose one of the two changes.
 */
public final class KeyDirectory {
    private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);
    /** How long a lookup result is reused. */
    public static final Duration LOOKUP_CACHE_TTL = Duration.ofMinutes(5);
    private static final long LOOKUP_CACHE_SIZE = 10_000;
    /**
     * Key files above this size are rejected, which bounds the memory an import needs. Public
     * keys with many third-party certifications can reach hundreds of KiB (an estimate).
     */
    static final long MAX_KEY_FILE_BYTES = 4L << 20;

    private final KeyStore store;
    private final Clock clock;
    /** Guarded by this object's lock; {@link #snapshot} is a copy for lock-free readers. */
    private final Map<String, KeyEntry> entries = new LinkedHashMap<>();
    private volatile Map<String, KeyEntry> snapshot = Map.of();
    /** The directory's modification time when this object last loaded or wrote it. */
    private volatile Optional<FileTime> diskVersion = Optional.empty();
    private final Cache<String, RecipientKeys> lookups;

    private KeyDirectory(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.lookups = Caffeine.newBuilder()
                .expireAfterWrite(LOOKUP_CACHE_TTL)
                .maximumSize(LOOKUP_CACHE_SIZE)
                .build();
    }

    /**
     * Opens the directory, creating it if missing, and loads every key record.
     *
     * @throws KeyDirectoryException if the directory cannot be created or a record is broken
     */
    public static KeyDirectory open(Path directory, Clock clock) throws KeyDirectoryException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new KeyDirectoryException("cannot create key directory " + directory + ": " + e.getMessage(), e);
        }
        KeyDirectory keys = new KeyDirectory(new KeyStore(directory), clock);
        synchronized (keys) {
            keys.load();
        }
        return keys;
    }

    /** Replaces the entries with the records on disk; call with the lock held. */
    private void load() throws KeyDirectoryException {
        Optional<FileTime> modified = store.modifiedTime();
        entries.clear();
        for (KeyEntry entry : store.loadAll()) {
            entries.put(id(entry.kind(), entry.fingerprint()), entry);
        }
        publish();
        diskVersion = modified;
    }

    /**
     * Reloads the records when another process, such as {@code sealrelay keys accept}, changed
     * the directory, detected by its modification time. A failed reload keeps the entries in
     * memory and is logged.
     *
     * <p>NOTE: a change made by another process between one of this object's own writes and
     * the moment it notes the new modification time is missed until the next change, and so
     * is a change within the same timestamp tick on a file system with coarse timestamps.
     */
    private void reloadIfChanged() {
        Optional<FileTime> modified = store.modifiedTime();
        if (modified.equals(diskVersion)) {
            return;
        }
        synchronized (this) {
            if (modified.equals(diskVersion)) {
                return;
            }
            try {
                load();
                log.info("key directory {} changed on disk; reloaded {} key(s)", store.directory(), entries.size());
            } catch (KeyDirectoryException e) {
                diskVersion = modified;
                log.warn("key directory {} changed on disk but cannot be reloaded, keeping the keys in memory: {}",
                        store.directory(), e.getMessage());
            }
        }
    }

    /**
     * Imports every key in a file. All keys are checked before any is stored, so a rejected key
     * leaves the directory unchanged. An I/O error while storing can leave part of the file
     * imported.
     *
     * @param replace let the file's keys take over addresses pinned to other keys
     * @throws KeyDirectoryException naming the key and the reason: unreadable file, no
     *     address, not usable, or an address pinned to another key
     */
    public synchronized List<ImportedKey> importFile(Path file, boolean replace) throws KeyDirectoryException {
        reloadIfChanged();
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
            publish();
        }
        return planned;
    }

    private ImportedKey plan(RecipientKey key, boolean replace, String source, Instant now) throws KeyDirectoryException {
        String name = key.kind().label() + " key " + key.fingerprint();
        if (key.addresses().isEmpty()) {
            throw new KeyDirectoryException(name + " names no mail address; nothing to index it by");
        }

        KeyEntry existing = entries.get(id(key.kind(), key.fingerprint()));
        RecipientKey merged = existing == null ? key : merge(existing.key(), key);
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
            Optional<KeyEntry> pinned = pinnedEntry(entries, key.kind(), address);
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
            unpin(entry.kind(), fingerprint, entry.addresses());
        }
        save(entry);
    }

    /** Takes {@code addresses} away from a key; deletes the key when nothing refers to it any more. */
    private void unpin(KeyKind kind, String fingerprint, Set<String> addresses) throws KeyDirectoryException {
        KeyEntry previous = entries.get(id(kind, fingerprint));
        if (previous == null) {
            return;
        }
        Set<String> remaining = new LinkedHashSet<>(previous.addresses());
        remaining.removeAll(addresses);
        if (remaining.isEmpty() && previous.conflicts().isEmpty()) {
            store.delete(previous);
            entries.remove(id(kind, fingerprint));
        } else {
            save(previous.withAddresses(remaining));
        }
    }

    private void save(KeyEntry entry) throws KeyDirectoryException {
        store.save(entry);
        entries.put(id(entry.kind(), entry.fingerprint()), entry);
    }

    /** Returns every entry, OpenPGP first, then by fingerprint. */
    public synchronized List<KeyEntry> list() {
        reloadIfChanged();
        List<KeyEntry> result = new ArrayList<>(entries.values());
        result.sort(Comparator.comparing(KeyEntry::kind).thenComparing(KeyEntry::fingerprint));
        return result;
    }

    /**
     * Removes every key pinned for an address or recorded as a conflict for it, or the keys with
     * a fingerprint (either kind). After removal, the next key that discovery finds for the
     * address is pinned.
     *
     * @return the removed entries, empty when nothing matched
     */
    public synchronized List<KeyEntry> remove(String addressOrFingerprint) throws KeyDirectoryException {
        reloadIfChanged();
        List<KeyEntry> matches = new ArrayList<>();
        if (Addresses.isAddress(addressOrFingerprint)) {
            String address = Addresses.normalize(addressOrFingerprint);
            for (KeyEntry entry : entries.values()) {
                if (entry.addresses().contains(address) || entry.conflicts().contains(address)) {
                    matches.add(entry);
                }
            }
        } else {
            String fingerprint = normalizeFingerprint(addressOrFingerprint);
            for (KeyEntry entry : entries.values()) {
                if (entry.fingerprint().equals(fingerprint)) {
                    matches.add(entry);
                }
            }
        }
        try {
            for (KeyEntry entry : matches) {
                store.delete(entry);
                entries.remove(id(entry.kind(), entry.fingerprint()));
            }
        } finally {
            publish();
        }
        return matches;
    }

    /**
     * Records a key that discovery or harvesting found. The first usable key of a kind for an
     * address is pinned. A different key for an address that is already pinned is stored as a
     * conflict, logged at WARN and not used until {@link #accept} is called, so a changed key,
     * which may be an attacker's, is never used silently. The same key is merged, so a published
     * revocation takes effect. A key that is not usable now, or whose own addresses do not
     * include the address, is not stored.
     *
     * @throws KeyDirectoryException if the directory cannot be written
     */
    public synchronized RecordedKey recordDiscovered(DiscoveredKey discovered) throws KeyDirectoryException {
        reloadIfChanged();
        RecipientKey key = discovered.key();
        String address = discovered.address();
        String fingerprint = key.fingerprint();
        Instant now = clock.instant();
        if (!key.addresses().contains(address)) {
            KeyCheck check = KeyCheck.rejected(KeyStatus.INVALID, key.kind().label() + " key " + fingerprint
                    + " does not name the address it was found for");
            return new RecordedKey(RecordedKey.Outcome.REJECTED, fingerprint, check, Optional.empty());
        }
        KeyEntry existing = entries.get(id(key.kind(), fingerprint));
        RecipientKey merged = existing == null ? key : merge(existing.key(), key);
        KeyCheck check = merged.check(now);
        Optional<KeyEntry> pinned = pinnedEntry(entries, key.kind(), address);
        try {
            if (pinned.isPresent() && pinned.get().fingerprint().equals(fingerprint)) {
                if (Arrays.equals(merged.encoded(), existing.key().encoded())) {
                    return new RecordedKey(RecordedKey.Outcome.UNCHANGED, fingerprint, check, Optional.empty());
                }
                save(existing.withKey(merged));
                return new RecordedKey(RecordedKey.Outcome.UPDATED, fingerprint, check, Optional.empty());
            }
            if (!check.isUsable()) {
                if (existing != null) {
                    // Keep a revocation or expiry of a stored key, even one stored for another address.
                    save(existing.withKey(merged));
                }
                return new RecordedKey(RecordedKey.Outcome.REJECTED, fingerprint, check, Optional.empty());
            }
            if (pinned.isEmpty()) {
                KeyEntry entry = existing == null
                        ? new KeyEntry(key, Set.of(address), discovered.source().describe(discovered.location()), now,
                                discovered.source().trust(), Set.of())
                        : existing.withKey(merged).withAddresses(union(existing.addresses(), address))
                                .withConflicts(without(existing.conflicts(), address));
                save(entry);
                log.info("pinned {} key {} for {} from {}", key.kind().label(), fingerprint, Redact.address(address),
                        discovered.source().label());
                return new RecordedKey(RecordedKey.Outcome.PINNED, fingerprint, check, Optional.empty());
            }
            return recordConflict(discovered, existing, merged, pinned.get(), check, now);
        } finally {
            publish();
        }
    }

    private RecordedKey recordConflict(DiscoveredKey discovered, KeyEntry existing, RecipientKey merged, KeyEntry pinned,
            KeyCheck check, Instant now) throws KeyDirectoryException {
        String address = discovered.address();
        String fingerprint = merged.fingerprint();
        Optional<String> pinnedFingerprint = Optional.of(pinned.fingerprint());
        if (existing != null && existing.conflicts().contains(address)) {
            if (!Arrays.equals(merged.encoded(), existing.key().encoded())) {
                save(existing.withKey(merged));
            }
            return new RecordedKey(RecordedKey.Outcome.CONFLICT, fingerprint, check, pinnedFingerprint);
        }
        KeyEntry entry = existing == null
                ? new KeyEntry(merged, Set.of(), discovered.source().describe(discovered.location()), now,
                        discovered.source().trust(), Set.of(address))
                : existing.withKey(merged).withConflicts(union(existing.conflicts(), address));
        save(entry);
        log.warn("key conflict for {}: pinned {} key {} stays in use; {} found {} key {}, which is not used until an "
                + "administrator runs 'sealrelay keys accept ADDRESS {}'", Redact.address(address),
                merged.kind().label(), pinned.fingerprint(), discovered.source().label(), merged.kind().label(),
                fingerprint, fingerprint);
        return new RecordedKey(RecordedKey.Outcome.CONFLICT, fingerprint, check, pinnedFingerprint);
    }

    /**
     * Pins an address to a stored key that names it, in place of the key it was pinned to, and
     * records the administrator's trust. This is how a conflict is resolved.
     *
     * @return the entry now pinned
     * @throws KeyDirectoryException if no stored key has the fingerprint, the key does not name
     *     the address, or it is not usable now
     * @throws IllegalArgumentException if the address is not a mail address
     */
    public synchronized KeyEntry accept(String address, String fingerprint) throws KeyDirectoryException {
        reloadIfChanged();
        String normalized = Addresses.normalize(address);
        String wanted = normalizeFingerprint(fingerprint);
        KeyEntry entry = null;
        for (KeyEntry candidate : entries.values()) {
            if (candidate.fingerprint().equals(wanted)) {
                entry = candidate;
            }
        }
        if (entry == null) {
            throw new KeyDirectoryException("no stored key has fingerprint " + wanted + "; run 'sealrelay keys list'");
        }
        if (!entry.key().addresses().contains(normalized)) {
            throw new KeyDirectoryException(entry.kind().label() + " key " + wanted + " does not name "
                    + Redact.address(normalized) + "; a key is pinned only to addresses it names");
        }
        KeyCheck check = entry.key().check(clock.instant());
        if (!check.isUsable()) {
            throw new KeyDirectoryException(entry.kind().label() + " key " + wanted + " is not usable ("
                    + check.status() + "): " + check.detail());
        }
        try {
            Optional<KeyEntry> pinned = pinnedEntry(entries, entry.kind(), normalized);
            if (pinned.isPresent() && !pinned.get().fingerprint().equals(wanted)) {
                unpin(entry.kind(), pinned.get().fingerprint(), Set.of(normalized));
            }
            KeyEntry accepted = entry.withAddresses(union(entry.addresses(), normalized))
                    .withConflicts(without(entry.conflicts(), normalized))
                    .withTrust(KeyTrust.ADMINISTRATOR);
            save(accepted);
            log.info("administrator pinned {} key {} for {}{}", accepted.kind().label(), wanted,
                    Redact.address(normalized), pinned.map(previous -> " in place of " + previous.fingerprint()).orElse(""));
            return accepted;
        } finally {
            publish();
        }
    }

    /**
     * Looks up the pinned keys of an address and checks them now.
     *
     * @throws IllegalArgumentException if the text is not a mail address
     */
    public RecipientKeys lookup(String address) {
        String normalized = Addresses.normalize(address);
        reloadIfChanged();
        return lookups.get(normalized, this::resolve);
    }

    private RecipientKeys resolve(String address) {
        Instant now = clock.instant();
        Map<String, KeyEntry> current = snapshot;
        Optional<KeyCandidate> openPgp = pinnedEntry(current, KeyKind.OPENPGP, address)
                .map(entry -> new KeyCandidate(entry, entry.key().check(now)));
        Optional<KeyCandidate> smime = pinnedEntry(current, KeyKind.X509, address)
                .map(entry -> new KeyCandidate(entry, entry.key().check(now)));
        Optional<PGPPublicKey> encryptionKey = openPgp
                .filter(candidate -> candidate.check().isUsable())
                .map(candidate -> ((OpenPgpRecipientKey) candidate.entry().key()).encryptionKey(now));
        Optional<X509Certificate> certificate = smime
                .filter(candidate -> candidate.check().isUsable())
                .map(candidate -> ((X509RecipientKey) candidate.entry().key()).certificate());
        return new RecipientKeys(address, openPgp, smime, encryptionKey, certificate);
    }

    /** Publishes the entries to lookups and drops cached results; call with the lock held. */
    private void publish() {
        snapshot = Map.copyOf(entries);
        lookups.invalidateAll();
        diskVersion = store.modifiedTime();
    }

    private static Optional<KeyEntry> pinnedEntry(Map<String, KeyEntry> entries, KeyKind kind, String address) {
        for (KeyEntry entry : entries.values()) {
            if (entry.kind() == kind && entry.addresses().contains(address)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static RecipientKey merge(RecipientKey stored, RecipientKey imported) throws KeyDirectoryException {
        if (stored instanceof OpenPgpRecipientKey storedKey && imported instanceof OpenPgpRecipientKey importedKey) {
            try {
                PGPPublicKeyRing joined = PGPPublicKeyRing.join(storedKey.ring(), importedKey.ring());
                return new OpenPgpRecipientKey(joined);
            } catch (PGPException | IllegalArgumentException e) {
                throw new KeyDirectoryException("cannot merge the update of key " + stored.fingerprint() + ": " + e.getMessage(), e);
            }
        }
        // The same certificate fingerprint means the same DER bytes: nothing to merge.
        return stored;
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

    private static Set<String> union(Set<String> addresses, String address) {
        Set<String> result = new LinkedHashSet<>(addresses);
        result.add(address);
        return result;
    }

    private static Set<String> without(Set<String> addresses, String address) {
        Set<String> result = new LinkedHashSet<>(addresses);
        result.remove(address);
        return result;
    }

    private static String normalizeFingerprint(String fingerprint) {
        return fingerprint.replace(" ", "").toUpperCase(Locale.ROOT);
    }

    private static String id(KeyKind kind, String fingerprint) {
        return kind.label() + "-" + fingerprint;
    }
}
