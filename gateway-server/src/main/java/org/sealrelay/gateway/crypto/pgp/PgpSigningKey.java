package org.sealrelay.gateway.crypto.pgp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.sealrelay.gateway.crypto.EncryptionException;

/**
 * The organisation's OpenPGP signing key: the private key and its public half, which names
 * the algorithm and key ID in signatures.
 */
public record PgpSigningKey(PGPPrivateKey privateKey, PGPPublicKey publicKey) {
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    /**
     * Reads the first secret key ring from an armored or binary export and unlocks the first
     * key that may sign: the primary key, or a subkey whose binding grants signing.
     *
     * @param passphrase the key's passphrase; empty for an unprotected key
     * @throws EncryptionException if no signing key is found or the passphrase is wrong
     */
    public static PgpSigningKey read(InputStream in, char[] passphrase) throws IOException, EncryptionException {
        PGPSecretKeyRing ring;
        try (InputStream decoded = PGPUtil.getDecoderStream(in)) {
            PGPSecretKeyRingCollection rings = new PGPSecretKeyRingCollection(decoded, new JcaKeyFingerprintCalculator());
            Iterator<PGPSecretKeyRing> iterator = rings.getKeyRings();
            if (!iterator.hasNext()) {
                throw new EncryptionException("no OpenPGP secret key found in the signing key file");
            }
            ring = iterator.next();
        } catch (PGPException e) {
            throw new EncryptionException("invalid OpenPGP secret key: " + e.getMessage(), e);
        }
        for (PGPSecretKey secret : ring) {
            if (secret.isSigningKey() && mayCertifyOrSign(secret)) {
                try {
                    PGPPrivateKey privateKey = secret.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder(
                            new JcaPGPDigestCalculatorProviderBuilder().setProvider(PROVIDER).build())
                            .setProvider(PROVIDER).build(passphrase));
                    return new PgpSigningKey(privateKey, secret.getPublicKey());
                } catch (PGPException e) {
                    throw new EncryptionException("cannot unlock signing key 0x" + Long.toHexString(secret.getKeyID()) + ": wrong passphrase or damaged key", e);
                }
            }
        }
        throw new EncryptionException("the secret key ring has no key allowed to sign");
    }

    /** Subkeys need the sign flag in their binding; a primary key signs unless its flags forbid it. */
    private static boolean mayCertifyOrSign(PGPSecretKey secret) {
        PGPPublicKey key = secret.getPublicKey();
        Iterator<PGPSignature> signatures = key.isMasterKey()
                ? key.getSignatures()
                : key.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        int flags = 0;
        while (signatures.hasNext()) {
            PGPSignature signature = signatures.next();
            if (signature.getHashedSubPackets() != null) {
                flags |= signature.getHashedSubPackets().getKeyFlags();
            }
        }
        if (flags == 0) {
            return key.isMasterKey();
        }
        return (flags & KeyFlags.SIGN_DATA) != 0;
    }
}
