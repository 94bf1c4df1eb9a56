package org.sealrelay.gateway.dkim;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The gateway's signing keys and options, and the choice of key for a message. A key signs a
 * message whose From domain is the key's domain or a subdomain of it, so that the signature
 * aligns with the From domain in the relaxed sense of DMARC (RFC 7489 section 3.1.1). Of the
 * keys that fit, the one with the longest domain wins, and among those a key published for
 * the message's service is preferred to one published for all mail.
 */
public final class DkimSigning {
    /** No keys: nothing is signed. */
    public static final DkimSigning NONE = new DkimSigning(List.of(), Canonicalization.RELAXED,
            Canonicalization.RELAXED, Duration.ZERO, Clock.systemUTC());

    private final List<DkimKey> keys;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final Duration lifetime;
    private final Clock clock;

    /** @param lifetime the span of {@code x=} after {@code t=}; {@link Duration#ZERO} for none */
    public DkimSigning(List<DkimKey> keys, Canonicalization headerCanonicalization,
            Canonicalization bodyCanonicalization, Duration lifetime, Clock clock) {
        this.keys = List.copyOf(keys);
        this.headerCanonicalization = headerCanonicalization;
        this.bodyCanonicalization = bodyCanonicalization;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public List<DkimKey> keys() {
        return keys;
    }

    /**
     * Returns a signer for mail from {@code fromDomain} (the domain of the From field), or
     * empty when no key covers that domain and service.
     */
    public Optional<DkimSigner> signerFor(String fromDomain, DkimService service) {
        String domain = fromDomain.toLowerCase(Locale.ROOT);
        DkimKey best = null;
        for (DkimKey key : keys) {
            if (!key.service().covers(service) || !key.covers(domain)) {
                continue;
            }
            if (best == null || better(key, best, service)) {
                best = key;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new DkimSigner(best, headerCanonicalization, bodyCanonicalization, lifetime, clock));
    }

    /** Starts reading a message whose key is chosen afterwards, with the configured body canonicalization. */
    public MessageHasher newHasher() {
        return new MessageHasher(bodyCanonicalization);
    }

    /** Returns the domain part of an address, or the whole text when it has no {@code @}. */
    public static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(at + 1);
    }

    private static boolean better(DkimKey candidate, DkimKey best, DkimService service) {
        if (candidate.domain().length() != best.domain().length()) {
            return candidate.domain().length() > best.domain().length();
        }
        return candidate.service() == service && best.service() != service;
    }
}
