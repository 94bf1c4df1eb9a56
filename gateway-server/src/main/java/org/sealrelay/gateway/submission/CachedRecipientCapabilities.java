package org.sealrelay.gateway.submission;

import java.util.Optional;
import java.util.function.Function;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.delivery.DestinationCapabilities;
import org.sealrelay.gateway.delivery.DestinationCapabilityLookup;
import org.sealrelay.policy.RecipientCapabilities;
import org.sealrelay.policy.TlsLevel;

/**
 * Recipient facts from the delivery capability cache and the recipient key directory. Both
 * look up in memory, and the key lookup must not block on the network (pass only a lookup that
 * reads cached or stored keys).
 */
public final class CachedRecipientCapabilities implements RecipientCapabilitySource {
    private final DestinationCapabilityLookup tls;
    private final Function<String, RecipientKeys> keys;

    /**
     * @param tls what recent sessions showed per destination domain
     * @param keys key lookup by address, such as {@code KeyDirectory::lookup}; null without a
     *     key directory
     */
    public CachedRecipientCapabilities(DestinationCapabilityLookup tls, Function<String, RecipientKeys> keys) {
        this.tls = tls;
        this.keys = keys;
    }

    @Override
    public RecipientCapabilities lookup(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1);
        Optional<TlsLevel> proven = tls.lookup(domain).map(CachedRecipientCapabilities::provenLevel);
        boolean pgp = false;
        boolean smime = false;
        if (keys != null) {
            try {
                RecipientKeys found = keys.apply(address);
                pgp = found.openPgpEncryptionKey().isPresent();
                smime = found.smimeCertificate().isPresent();
            } catch (IllegalArgumentException e) {
                // The key directory rejects addresses it cannot normalize; such a recipient has no key.
            }
        }
        return new RecipientCapabilities(proven, pgp, smime);
    }

    /** Returns the strongest level a cached session reached. */
    static TlsLevel provenLevel(DestinationCapabilities seen) {
        if (seen.tlsProtocol().isEmpty()) {
            return TlsLevel.NONE;
        }
        if (!seen.peerVerified()) {
            return TlsLevel.ENCRYPT;
        }
        if (seen.policy().startsWith("dane")) {
            return TlsLevel.DANE;
        }
        if (seen.policy().equals("mta-sts enforce")) {
            return TlsLevel.MTA_STS;
        }
        return TlsLevel.VERIFY;
    }
}
