package org.sealrelay.gateway.crypto.keys.discovery;

import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.RecordedKey;

/**
 * The outcome of one discovery run for an address.
 *
 * @param address the normalized address
 * @param recorded what the directory did with each key found, in finder order
 * @param failures finders that failed with a temporary error, with the reason
 * @param capabilities the address's usable keys after recording
 */
public record DiscoveryResult(String address, List<Found> recorded, List<Failure> failures,
        KeyCapabilities capabilities) {
    /** One key found by one source and what the directory did with it. */
    public record Found(KeySource source, String location, RecordedKey recorded) {
        public Found {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(recorded, "recorded");
        }
    }

    /** A source that could not be asked, with a reason that names no mail address. */
    public record Failure(KeySource source, String reason) {
        public Failure {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public DiscoveryResult {
        Objects.requireNonNull(address, "address");
        recorded = List.copyOf(recorded);
        failures = List.copyOf(failures);
        Objects.requireNonNull(capabilities, "capabilities");
    }

    /** Returns whether any source found a key, usable or not. */
    public boolean foundAny() {
        return !recorded.isEmpty();
    }
}
