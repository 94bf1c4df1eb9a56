package org.sealrelay.gateway.crypto.smime;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The organisation's S/MIME signing key and certificate chain.
 *
 * @param privateKey RSA or EC private key; signatures use SHA-256, matching micalg=sha-256
 * @param chain the signer's certificate first, then intermediates; all are put in the
 *     signature so that recipients can build the path
 */
public record SmimeSigningKey(PrivateKey privateKey, List<X509Certificate> chain) {
    public SmimeSigningKey {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the signing certificate chain is empty; expected the signer's certificate first");
        }
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Returns the JCA signature algorithm: SHA-256 with the key's algorithm. */
    String signatureAlgorithm() {
        return switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException(
                    "unsupported signing key algorithm " + privateKey.getAlgorithm() + "; expected RSA or EC");
        };
    }
}
