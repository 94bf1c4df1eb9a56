package org.sealrelay.gateway.crypto.keys.discovery;

import org.sealrelay.gateway.crypto.keys.RecipientKeys;

/**
 * Facts about the keys of one address, for the policy engine.
 *
 * @param hasOpenPgpKey a usable OpenPGP key is pinned for the address
 * @param hasSmimeCertificate a usable S/MIME certificate is pinned for the address
 * @param current true when the flags come from a discovery that finished and is still cached.
 *     False while discovery runs in the background: the flags are then those of the last
 *     finished discovery, or both false when there was none
 */
public record KeyCapabilities(boolean hasOpenPgpKey, boolean hasSmimeCertificate, boolean current) {
    /** No discovery has finished for the address yet. */
    public static final KeyCapabilities UNKNOWN = new KeyCapabilities(false, false, false);

    /** Returns the capabilities of a lookup result. */
    public static KeyCapabilities of(RecipientKeys keys) {
        return new KeyCapabilities(keys.openPgpEncryptionKey().isPresent(), keys.smimeCertificate().isPresent(), true);
    }

    KeyCapabilities pending() {
        return new KeyCapabilities(hasOpenPgpKey, hasSmimeCertificate, false);
    }
}
