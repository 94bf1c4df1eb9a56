package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.dkim.Canonicalization;
import org.sealrelay.gateway.dkim.DkimKey;

/**
 * The {@code dkim} section: keys that sign the mail the gateway writes itself (delivery status
 * notifications and TLS reports) and, for the listed From domains, relayed mail, loaded and
 * checked when the configuration is read.
 *
 * @param keys signing keys, each with its domain and selector; empty signs nothing
 * @param headerCanonicalization the first half of {@code c=}
 * @param bodyCanonicalization the second half of {@code c=}
 * @param signatureLifetime time from signing to the {@code x=} expiry; zero writes no {@code x=}
 * @param signRelayed From domains (each covering its subdomains) whose relayed mail is signed
 *     at delivery; each is covered by a key
 */
public record DkimConfig(List<DkimKey> keys, Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization, Duration signatureLifetime, List<String> signRelayed) {
    /** No keys, relaxed/relaxed, no expiry, no relayed mail signed. */
    public static final DkimConfig NONE = new DkimConfig(List.of(), Canonicalization.RELAXED,
            Canonicalization.RELAXED, Duration.ZERO, List.of());

    public DkimConfig {
        keys = List.copyOf(keys);
        signRelayed = List.copyOf(signRelayed);
        Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        Objects.requireNonNull(signatureLifetime, "signatureLifetime");
    }
}
