package org.sealrelay.gateway.dkim;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a DKIM private key from a PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}, as
 * {@code openssl genpkey} writes) for RSA and Ed25519, or the traditional PKCS#1 form
 * ({@code BEGIN RSA PRIVATE KEY}) for RSA. The algorithm follows from the key.
 */
public final class DkimKeyFile {
    /** RFC 8301 requires at least 1024 bits and recommends 2048, so shorter keys are rejected. */
    public static final int MIN_RSA_BITS = 2048;

    private DkimKeyFile() {
    }

    /** A private key with the algorithm it signs with and the public key data of its DNS record. */
    public record Material(DkimAlgorithm algorithm, AsymmetricKeyParameter privateKey, byte[] publicKeyData) {
        @Override
        public String toString() {
            return "Material[" + algorithm + "]";
        }
    }

    /**
     * Reads the key in {@code file}.
     *
     * @throws IOException if the file cannot be read
     * @throws DkimKeyException if it contains no usable key: none at all, an encrypted one, a key
     *     type other than RSA or Ed25519, or an RSA key under {@link #MIN_RSA_BITS} bits
     */
    public static Material read(Path file) throws IOException, DkimKeyException {
        Object object = firstKeyObject(file);
        AsymmetricKeyParameter key;
        if (object instanceof PrivateKeyInfo info) {
            key = PrivateKeyFactory.createKey(info);
        } else if (object instanceof PEMKeyPair pair) {
            key = PrivateKeyFactory.createKey(pair.getPrivateKeyInfo());
        } else {
            throw new DkimKeyException(file + ": the private key is encrypted; write an unencrypted copy with"
                    + " 'openssl pkey -in " + file + " -out NEWFILE' and protect it with file mode 0600");
        }
        if (key instanceof Ed25519PrivateKeyParameters ed25519) {
            return new Material(DkimAlgorithm.ED25519_SHA256, ed25519, ed25519.generatePublicKey().getEncoded());
        }
        if (key instanceof RSAPrivateCrtKeyParameters rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new DkimKeyException(file + ": RSA key of " + bits + " bits is too weak; expected at least "
                        + MIN_RSA_BITS + " bits, or an Ed25519 key ('openssl genpkey -algorithm ed25519')");
            }
            return new Material(DkimAlgorithm.RSA_SHA256, rsa, rsaPublicKeyInfo(rsa.getModulus(), rsa.getPublicExponent()));
        }
        throw new DkimKeyException(file + ": unsupported key type " + key.getClass().getSimpleName()
                + "; DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256) keys");
    }

    private static Object firstKeyObject(Path file) throws IOException, DkimKeyException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                        || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    return object;
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DkimKeyException(file + ": not a PEM file (non-ASCII content)");
        } catch (org.bouncycastle.openssl.PEMException e) {
            throw new DkimKeyException(file + ": invalid PEM private key: " + e.getMessage());
        }
        throw new DkimKeyException(file + ": no PEM private key found; expected BEGIN PRIVATE KEY (PKCS#8)"
                + " or BEGIN RSA PRIVATE KEY, such as 'openssl genpkey -algorithm ed25519' writes");
    }

    private static byte[] rsaPublicKeyInfo(BigInteger modulus, BigInteger exponent) throws IOException {
        return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new RSAKeyParameters(false, modulus, exponent))
                .getEncoded();
    }
}
