package org.sealrelay.gateway.crypto.keys;

import java.util.Objects;

/**
 * The pinned key of one kind for an address, with the result of checking it at lookup time.
 * A candidate whose check failed is still returned, so the caller can report why it cannot
 * encrypt instead of silently choosing another delivery method.
 */
public record KeyCandidate(KeyEntry entry, KeyCheck check) {
    public KeyCandidate {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(check, "check");
    }
}
