package org.sealrelay.gateway.crypto.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPPublicKey;

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
 * <p>Thread safety: all methods may be called concurrently. Changes run under the lock of the
 * {@link KeyIndex} and then publish an immutable snapshot, which lookups read without the lock,
 * so a cache load never waits for an import that is clearing the cache. Every call first checks
 * the directory's modification time and reloads the records when another process, such as
 * the {@code sealrelay keys} commands, changed them. Two processes writing the same key at the
 * same moment can still lose one of the two changes.
 */
public final class KeyDirectory {
    /** How long a lookup result is reused. */
    public static final Duration LOOKUP_CACHE_TTL = Duration.ofMinutes(5);
    private static final long LOOKUP_CACHE_SIZE = 10_000;

    private final Clock clock;
    /** The records, and the lock that every change runs under. */
    private final KeyIndex index;
    private final KeyImporter importer;
    private final KeyPinning pinning;
    private final Cache<String, RecipientKeys> lookups;

    private KeyDirectory(KeyStore store, Clock clock) {
        this.clock = clock;
        this.lookups = Caffeine.newBuilder()
                .expireAfterWrite(LOOKUP_CACHE_TTL)
                .maximumSize(LOOKUP_CACHE_SIZE)
                .build();
        this.index = new KeyIndex(store, lookups::invalidateAll);
        this.pinning = new KeyPinning(index, clock);
        this.importer = new KeyImporter(index, pinning, clock);
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
        synchronized (keys.index) {
            keys.index.load();
        }
        return keys;
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
    public List<ImportedKey> importFile(Path file, boolean replace) throws KeyDirectoryException {
        synchronized (index) {
            return importer.importFile(file, replace);
        }
    }

    /** Returns every entry, OpenPGP first, then by fingerprint. */
    public List<KeyEntry> list() {
        synchronized (index) {
            index.reloadIfChanged();
            List<KeyEntry> result = new ArrayList<>(index.values());
            result.sort(Comparator.comparing(KeyEntry::kind).thenComparing(KeyEntry::fingerprint));
            return result;
        }
    }

    /**
     * Removes every key pinned for an address or recorded as a conflict for it, or the keys with
     * a fingerprint (either kind). After removal, the next key that discovery finds for the
     * address is pinned.
     *
     * @return the removed entries, empty when nothing matched
     */
    public List<KeyEntry> remove(String addressOrFingerprint) throws KeyDirectoryException {
        synchronized (index) {
            index.reloadIfChanged();
            List<KeyEntry> matches = new ArrayList<>();
            if (Addresses.isAddress(addressOrFingerprint)) {
                String address = Addresses.normalize(addressOrFingerprint);
                for (KeyEntry entry : index.values()) {
                    if (entry.addresses().contains(address) || entry.conflicts().contains(address)) {
                        matches.add(entry);
                    }
                }
            } else {
                String fingerprint = normalizeFingerprint(addressOrFingerprint);
                for (KeyEntry entry : index.values()) {
                    if (entry.fingerprint().equals(fingerprint)) {
                        matches.add(entry);
                    }
                }
            }
            try {
                for (KeyEntry entry : matches) {
                    index.delete(entry);
                }
            } finally {
                index.publish();
            }
            return matches;
        }
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
    public RecordedKey recordDiscovered(DiscoveredKey discovered) throws KeyDirectoryException {
        synchronized (index) {
            return pinning.recordDiscovered(discovered);
        }
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
    public KeyEntry accept(String address, String fingerprint) throws KeyDirectoryException {
        synchronized (index) {
            return pinning.accept(address, fingerprint);
        }
    }

    /**
     * Looks up the pinned keys of an address and checks them now.
     *
     * @throws IllegalArgumentException if the text is not a mail address
     */
    public RecipientKeys lookup(String address) {
        String normalized = Addresses.normalize(address);
        index.reloadIfChanged();
        return lookups.get(normalized, this::resolve);
    }

    private RecipientKeys resolve(String address) {
        Instant now = clock.instant();
        Map<String, KeyEntry> current = index.snapshot();
        Optional<KeyCandidate> openPgp = KeyIndex.pinnedEntry(current, KeyKind.OPENPGP, address)
                .map(entry -> new KeyCandidate(entry, entry.key().check(now)));
        Optional<KeyCandidate> smime = KeyIndex.pinnedEntry(current, KeyKind.X509, address)
                .map(entry -> new KeyCandidate(entry, entry.key().check(now)));
        Optional<PGPPublicKey> encryptionKey = openPgp
                .filter(candidate -> candidate.check().isUsable())
                .map(candidate -> ((OpenPgpRecipientKey) candidate.entry().key()).encryptionKey(now));
        Optional<X509Certificate> certificate = smime
                .filter(candidate -> candidate.check().isUsable())
                .map(candidate -> ((X509RecipientKey) candidate.entry().key()).certificate());
        return new RecipientKeys(address, openPgp, smime, encryptionKey, certificate);
    }

    static String normalizeFingerprint(String fingerprint) {
        return fingerprint.replace(" ", "").toUpperCase(Locale.ROOT);
    }
}
