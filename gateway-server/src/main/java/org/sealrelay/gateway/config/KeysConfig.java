package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The recipient key directory and how it learns keys. Without a directory, none of the
 * discovery settings apply.
 *
 * @param directory the key directory, as for {@code sealrelay keys --keys-dir}; empty for none
 * @param wkd look keys up in the recipient domain's Web Key Directory over HTTPS
 * @param dns look keys up in OPENPGPKEY and SMIMEA records; only DNSSEC-validated answers
 *     count, so this needs {@code delivery.dnssec-trust-anchor}
 * @param harvest record sender keys from signed mail the gateway accepts
 * @param wkdTrustFile PEM CA certificates trusted for WKD in addition to the JDK's; null for none
 * @param wkdTimeout limit for connecting and for each whole WKD response
 * @param positiveTtl how long a discovery run that found a key is reused
 * @param negativeTtl how long a discovery run that found no key is reused
 * @param harvestMaxMessageSize largest message, in octets, read for harvesting
 */
public record KeysConfig(
        Optional<Path> directory,
        boolean wkd,
        boolean dns,
        boolean harvest,
        Path wkdTrustFile,
        Duration wkdTimeout,
        Duration positiveTtl,
        Duration negativeTtl,
        int harvestMaxMessageSize) {
    /** No key directory, so no discovery and no harvesting. */
    public static final KeysConfig DISABLED = new KeysConfig(Optional.empty(), false, false, false, null,
            Duration.ofSeconds(15), Duration.ofHours(6), Duration.ofHours(1), 4 << 20);

    public KeysConfig {
        Objects.requireNonNull(directory, "directory");
        for (Duration duration : new Duration[] {wkdTimeout, positiveTtl, negativeTtl}) {
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("invalid duration " + duration + ": expected more than zero");
            }
        }
        if (harvestMaxMessageSize <= 0) {
            throw new IllegalArgumentException("invalid harvest-max-message-size " + harvestMaxMessageSize
                    + ": expected more than zero octets");
        }
    }
}
