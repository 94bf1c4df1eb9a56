package org.sealrelay.gateway.crypto.keys;

import java.util.Objects;
import java.util.Optional;

/**
 * The directory's decision on a {@link DiscoveredKey}.
 *
 * @param outcome the decision
 * @param fingerprint the discovered key's fingerprint
 * @param check the discovered key's check at recording time, after merging stored material
 * @param pinnedFingerprint for {@link Outcome#CONFLICT}, the key the address stays pinned to
 */
public record RecordedKey(Outcome outcome, String fingerprint, KeyCheck check, Optional<String> pinnedFingerprint) {
    /** The decision for one discovered key. */
    public enum Outcome {
        /** The address had no key of this kind; it is now pinned to the discovered key. */
        PINNED,
        /** The address is pinned to this key already; new material (such as a revocation) was merged. */
        UPDATED,
        /** The address is pinned to this key already and nothing changed. */
        UNCHANGED,
        /** The address is pinned to another key; the discovered key is stored as a conflict and not used. */
        CONFLICT,
        /** The key is not usable (expired, revoked, cannot encrypt) or does not name the address. */
        REJECTED
    }

    public RecordedKey {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(pinnedFingerprint, "pinnedFingerprint");
    }
}
