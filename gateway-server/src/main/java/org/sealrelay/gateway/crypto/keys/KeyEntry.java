package org.sealrelay.gateway.crypto.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One key in the directory.
 *
 * @param key the parsed key
 * @param addresses the addresses pinned to this key; a subset of the key's own addresses,
 *     smaller when another key took an address over with replace or accept
 * @param source where the key came from, such as {@code file:/etc/keys/jane.asc}; see
 *     {@link KeySource}
 * @param importedAt when the key was first imported or discovered
 * @param trust what vouches for the key
 * @param conflicts addresses for which discovery found this key while they were pinned to
 *     another key of the same kind. The key is not used for them until an administrator
 *     accepts it.
 */
public record KeyEntry(RecipientKey key, Set<String> addresses, String source, Instant importedAt, KeyTrust trust,
        Set<String> conflicts) {
    public KeyEntry {
        Objects.requireNonNull(key, "key");
        addresses = Set.copyOf(addresses);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(importedAt, "importedAt");
        Objects.requireNonNull(trust, "trust");
        conflicts = Set.copyOf(conflicts);
    }

    /** Creates an entry without conflicts, trusted as its source is. */
    public KeyEntry(RecipientKey key, Set<String> addresses, String source, Instant importedAt) {
        this(key, addresses, source, importedAt, KeySource.ofSourceText(source).trust(), Set.of());
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    public KeyKind kind() {
        return key.kind();
    }

    /** Returns the kind of source, parsed from {@link #source()}. */
    public KeySource sourceKind() {
        return KeySource.ofSourceText(source);
    }

    KeyEntry withKey(RecipientKey replacement) {
        return new KeyEntry(replacement, addresses, source, importedAt, trust, conflicts);
    }

    KeyEntry withAddresses(Set<String> replacement) {
        return new KeyEntry(key, replacement, source, importedAt, trust, conflicts);
    }

    KeyEntry withConflicts(Set<String> replacement) {
        return new KeyEntry(key, addresses, source, importedAt, trust, replacement);
    }

    KeyEntry withTrust(KeyTrust replacement) {
        return new KeyEntry(key, addresses, source, importedAt, replacement, conflicts);
    }
}
