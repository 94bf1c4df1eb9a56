package org.sealrelay.policy;

import java.util.Optional;

/**
 * Facts about one recipient that the gateway has before the policy runs, from recent
 * deliveries to its domain and from the recipient key directory. The facts come from caches,
 * so an absent fact means "not known", not "known to be missing".
 *
 * @param provenTls the strongest TLS level the last session with the recipient's domain
 *     reached; empty when no session is cached
 * @param hasPgpKey whether a usable OpenPGP key is pinned for the address
 * @param hasSmimeCertificate whether a usable S/MIME certificate is pinned for the address
 */
public record RecipientCapabilities(Optional<TlsLevel> provenTls, boolean hasPgpKey, boolean hasSmimeCertificate) {
    /** Nothing known. */
    public static final RecipientCapabilities UNKNOWN = new RecipientCapabilities(Optional.empty(), false, false);

    public RecipientCapabilities {
        provenTls = provenTls == null ? Optional.empty() : provenTls;
    }
}
