package org.sealrelay.gateway.crypto.keys;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins discovered keys to addresses, keeps a different key for a pinned address as a conflict,
 * and moves a pin when an administrator accepts a key. Every method expects the caller to hold
 * the {@link KeyIndex} lock.
 */
final class KeyPinning {
    // Logs under the key directory's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);

    private final KeyIndex index;
    private final Clock clock;

    KeyPinning(KeyIndex index, Clock clock) {
        this.index = index;
        this.clock = clock;
    }

    /** Implements {@link KeyDirectory#recordDiscovered}. */
    RecordedKey recordDiscovered(DiscoveredKey discovered) throws KeyDirectoryException {
        index.reloadIfChanged();
        RecipientKey key = discovered.key();
        String address = discovered.address();
        String fingerprint = key.fingerprint();
        Instant now = clock.instant();
        if (!key.addresses().contains(address)) {
            KeyCheck check = KeyCheck.rejected(KeyStatus.INVALID, key.kind().label() + " key " + fingerprint
                    + " does not name the address it was found for");
            return new RecordedKey(RecordedKey.Outcome.REJECTED, fingerprint, check, Optional.empty());
        }
        KeyEntry existing = index.get(key.kind(), fingerprint);
        RecipientKey merged = existing == null ? key : merge(existing.key(), key);
        KeyCheck check = merged.check(now);
        Optional<KeyEntry> pinned = index.pinned(key.kind(), address);
        try {
            if (pinned.isPresent() && pinned.get().fingerprint().equals(fingerprint)) {
                if (Arrays.equals(merged.encoded(), existing.key().encoded())) {
                    return new RecordedKey(RecordedKey.Outcome.UNCHANGED, fingerprint, check, Optional.empty());
                }
                index.save(existing.withKey(merged));
                return new RecordedKey(RecordedKey.Outcome.UPDATED, fingerprint, check, Optional.empty());
            }
            if (!check.isUsable()) {
                if (existing != null) {
                    // Keep a revocation or expiry of a stored key, even one stored for another address.
                    index.save(existing.withKey(merged));
                }
                return new RecordedKey(RecordedKey.Outcome.REJECTED, fingerprint, check, Optional.empty());
            }
            if (pinned.isEmpty()) {
                KeyEntry entry = existing == null
                        ? new KeyEntry(key, Set.of(address), discovered.source().describe(discovered.location()), now,
                                discovered.source().trust(), Set.of())
                        : existing.withKey(merged).withAddresses(union(existing.addresses(), address))
                                .withConflicts(without(existing.conflicts(), address));
                index.save(entry);
                log.info("pinned {} key {} for {} from {}", key.kind().label(), fingerprint, Redact.address(address),
                        discovered.source().label());
                return new RecordedKey(RecordedKey.Outcome.PINNED, fingerprint, check, Optional.empty());
            }
            return recordConflict(discovered, existing, merged, pinned.get(), check, now);
        } finally {
            index.publish();
        }
    }

    private RecordedKey recordConflict(DiscoveredKey discovered, KeyEntry existing, RecipientKey merged, KeyEntry pinned,
            KeyCheck check, Instant now) throws KeyDirectoryException {
        String address = discovered.address();
        String fingerprint = merged.fingerprint();
        Optional<String> pinnedFingerprint = Optional.of(pinned.fingerprint());
        if (existing != null && existing.conflicts().contains(address)) {
            if (!Arrays.equals(merged.encoded(), existing.key().encoded())) {
                index.save(existing.withKey(merged));
            }
            return new RecordedKey(RecordedKey.Outcome.CONFLICT, fingerprint, check, pinnedFingerprint);
        }
        KeyEntry entry = existing == null
                ? new KeyEntry(merged, Set.of(), discovered.source().describe(discovered.location()), now,
                        discovered.source().trust(), Set.of(address))
                : existing.withKey(merged).withConflicts(union(existing.conflicts(), address));
        index.save(entry);
        log.warn("key conflict for {}: pinned {} key {} stays in use; {} found {} key {}, which is not used until an "
                + "administrator runs 'sealrelay keys accept ADDRESS {}'", Redact.address(address),
                merged.kind().label(), pinned.fingerprint(), discovered.source().label(), merged.kind().label(),
                fingerprint, fingerprint);
        return new RecordedKey(RecordedKey.Outcome.CONFLICT, fingerprint, check, pinnedFingerprint);
    }

    /** Implements {@link KeyDirectory#accept}. */
    KeyEntry accept(String address, String fingerprint) throws KeyDirectoryException {
        index.reloadIfChanged();
        String normalized = Addresses.normalize(address);
        String wanted = KeyDirectory.normalizeFingerprint(fingerprint);
        KeyEntry entry = null;
        for (KeyEntry candidate : index.values()) {
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
            Optional<KeyEntry> pinned = index.pinned(entry.kind(), normalized);
            if (pinned.isPresent() && !pinned.get().fingerprint().equals(wanted)) {
                unpin(entry.kind(), pinned.get().fingerprint(), Set.of(normalized));
            }
            KeyEntry accepted = entry.withAddresses(union(entry.addresses(), normalized))
                    .withConflicts(without(entry.conflicts(), normalized))
                    .withTrust(KeyTrust.ADMINISTRATOR);
            index.save(accepted);
            log.info("administrator pinned {} key {} for {}{}", accepted.kind().label(), wanted,
                    Redact.address(normalized), pinned.map(previous -> " in place of " + previous.fingerprint()).orElse(""));
            return accepted;
        } finally {
            index.publish();
        }
    }

    /** Takes {@code addresses} away from a key; deletes the key when nothing refers to it any more. */
    void unpin(KeyKind kind, String fingerprint, Set<String> addresses) throws KeyDirectoryException {
        KeyEntry previous = index.get(kind, fingerprint);
        if (previous == null) {
            return;
        }
        Set<String> remaining = new LinkedHashSet<>(previous.addresses());
        remaining.removeAll(addresses);
        if (remaining.isEmpty() && previous.conflicts().isEmpty()) {
            index.delete(previous);
        } else {
            index.save(previous.withAddresses(remaining));
        }
    }

    /**
     * Merges a fresh copy of a stored key into it: joins OpenPGP rings, so new subkeys, signatures
     * and revocations take effect, and keeps an X.509 key as stored.
     */
    static RecipientKey merge(RecipientKey stored, RecipientKey imported) throws KeyDirectoryException {
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
}
