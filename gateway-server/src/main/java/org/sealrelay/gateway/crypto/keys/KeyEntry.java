package org.sealrelay.gateway.crypto.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One key in the directory.
 *
 * @param key the parsed key
 * @param addresses the addresses pinned to this key; a subset of the key's own addresses,
 *     smaller when another key took an address over with replace
 * @param source where the key came from, such as {@code file:/etc/keys/jane.asc}
 * @param importedAt when the key was first imported
 */
public record KeyEntry(RecipientKey key, Set<String> addresses, String source, Instant importedAt) {
    public KeyEntry {
        Objects.requireNonNull(key, "key");
        addresses = Set.copyOf(addresses);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(importedAt, "importedAt");
    }

    public String fingerprint() {
        return key.fingerprint();
    }

    public KeyKind kind() {
        return key.kind();
    }
}
