package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.dkim.Canonicalization;
import org.sealrelay.gateway.dkim.DkimKey;

/**
 * The {@code dkim} section: keys that sign the mail the gateway writes itself (delivery status
 * notifications and TLS reports), loaded and checked when the configuration is read.
 *
 * @param keys signing keys, each with its domain and selector; empty signs nothing
 * @param headerCanonicalization the first half of {@code c=}
 * @param bodyCanonicalization the second half of {@code c=}
 * @param signatureLifetime time from signing to the {@code x=} expiry; zero writes no {@code x=}
 */
public record DkimConfig(List<DkimKey> keys, Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization, Duration signatureLifetime) {
    /** No keys, relaxed/relaxed, no expiry. */
    public static final DkimConfig NONE = new DkimConfig(List.of(), Canonicalization.RELAXED,
            Canonicalization.RELAXED, Duration.ZERO);

    public DkimConfig {
        keys = List.copyOf(keys);
        Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        Objects.requireNonNull(signatureLifetime, "signatureLifetime");
    }
}
