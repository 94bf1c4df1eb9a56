package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The recipient key directory and how it learns keys.
 *
 * @param directory the key directory that the {@code pgp} and {@code smime} plan steps and the
 *     policy read, as for {@code sealrelay keys --keys-dir}
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
        Path directory,
        boolean wkd,
        boolean dns,
        boolean harvest,
        Path wkdTrustFile,
        Duration wkdTimeout,
        Duration positiveTtl,
        Duration negativeTtl,
        int harvestMaxMessageSize) {
    /** The default directory, relative to the working directory of the gateway. */
    public static final Path DEFAULT_DIRECTORY = Path.of("var/keys");

    /** The default directory, with discovery and harvesting off. */
    public static final KeysConfig DEFAULTS = new KeysConfig(DEFAULT_DIRECTORY, false, false, false, null,
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
