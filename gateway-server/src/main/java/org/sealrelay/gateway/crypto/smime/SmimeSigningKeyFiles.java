package org.sealrelay.gateway.crypto.smime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.sealrelay.gateway.crypto.EncryptionException;

/** Reads the organisation's S/MIME signing certificate chain and private key from PEM files. */
public final class SmimeSigningKeyFiles {
    private SmimeSigningKeyFiles() {
    }

    /**
     * Reads a signing key.
     *
     * @param certificateFile PEM certificates, the signer's first, then intermediates
     * @param keyFile the signer's unencrypted private key in PEM (PKCS#8 or the traditional
     *     RSA or EC form)
     * @throws EncryptionException if a file contains no certificate or key, the key is encrypted,
     *     or the key does not belong to the first certificate
     */
    public static SmimeSigningKey read(Path certificateFile, Path keyFile) throws IOException, EncryptionException {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readPrivateKey(keyFile);
        SmimeSigningKey signingKey = new SmimeSigningKey(key, chain);
        if (!matches(signingKey)) {
            throw new EncryptionException(keyFile + ": the private key does not belong to the first certificate in "
                    + certificateFile);
        }
        return signingKey;
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, EncryptionException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(SmimeEncryptor.PROVIDER);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new EncryptionException(file + ": invalid certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new EncryptionException(file + ": no PEM certificate found; expected the signer's certificate first");
        }
        return chain;
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, EncryptionException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(SmimeEncryptor.PROVIDER);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        } catch (PEMException e) {
            throw new EncryptionException(file + ": invalid private key: " + e.getMessage(), e);
        }
        throw new EncryptionException(file + ": no unencrypted PEM private key found; expected PKCS#8"
                + " (BEGIN PRIVATE KEY) or a traditional RSA or EC key");
    }

    /** Signs a fixed string and verifies it with the certificate, which works for RSA and EC alike. */
    private static boolean matches(SmimeSigningKey key) throws EncryptionException {
        try {
            byte[] probe = "sealrelay signing key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(key.signatureAlgorithm(),
                    SmimeEncryptor.PROVIDER);
            signer.initSign(key.privateKey());
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(key.signatureAlgorithm(),
                    SmimeEncryptor.PROVIDER);
            verifier.initVerify(key.certificate().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new EncryptionException("cannot use the S/MIME signing key: " + e.getMessage(), e);
        }
    }
}
