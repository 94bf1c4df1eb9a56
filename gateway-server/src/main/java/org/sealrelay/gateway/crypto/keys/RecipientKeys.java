package org.sealrelay.gateway.crypto.keys;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * The result of looking up one recipient address.
 *
 * @param address the normalized address
 * @param openPgp the pinned OpenPGP key and its check, if any key is pinned
 * @param smime the pinned certificate and its check, if any certificate is pinned
 * @param openPgpEncryptionKey the key to encrypt to, present only when {@code openPgp} is usable
 * @param smimeCertificate the certificate to encrypt to, present only when {@code smime} is usable
 */
public record RecipientKeys(
        String address,
        Optional<KeyCandidate> openPgp,
        Optional<KeyCandidate> smime,
        Optional<PGPPublicKey> openPgpEncryptionKey,
        Optional<X509Certificate> smimeCertificate) {
}
