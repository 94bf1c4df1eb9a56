package org.sealrelay.gateway.crypto.keys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/**
 * Reads recipient keys from file contents: OpenPGP public keys (ASCII armor or binary) and
 * X.509 certificates (PEM or DER). The format is detected from the content, not the name.
 */
public final class KeyFileParser {
    private KeyFileParser() {
    }

    /**
     * Parses every key in the bytes.
     *
     * @throws KeyDirectoryException if the content is neither OpenPGP public keys nor
     *     certificates, or contains a secret key
     */
    public static List<RecipientKey> parse(byte[] content) throws KeyDirectoryException {
        String head = new String(content, 0, Math.min(content.length, 4096), StandardCharsets.ISO_8859_1);
        if (head.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----")) {
            throw new KeyDirectoryException("the file contains an OpenPGP secret key; export the public key and import that");
        }
        if (head.contains("-----BEGIN CERTIFICATE-----")) {
            return parseCertificates(content);
        }
        if (head.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
            return parseOpenPgp(content);
        }
        // Binary: DER certificates start with a SEQUENCE tag, OpenPGP packets have bit 7 set
        // and, for a public key, tag 6.
        if (content.length > 0 && (content[0] & 0xff) == 0x30) {
            return parseCertificates(content);
        }
        if (content.length > 0 && (content[0] & 0x80) != 0) {
            return parseOpenPgp(content);
        }
        throw new KeyDirectoryException("unrecognized key file: expected an OpenPGP public key (armored or binary) or an X.509 certificate (PEM or DER)");
    }

    private static List<RecipientKey> parseOpenPgp(byte[] content) throws KeyDirectoryException {
        List<RecipientKey> keys = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(content))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
            Iterator<PGPPublicKeyRing> iterator = rings.getKeyRings();
            while (iterator.hasNext()) {
                keys.add(new OpenPgpRecipientKey(iterator.next()));
            }
        } catch (IOException | PGPException e) {
            throw new KeyDirectoryException("invalid OpenPGP public key: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new KeyDirectoryException("no OpenPGP public key found in the file");
        }
        return keys;
    }

    private static List<RecipientKey> parseCertificates(byte[] content) throws KeyDirectoryException {
        List<RecipientKey> keys = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(content))) {
                keys.add(new X509RecipientKey((X509Certificate) certificate));
            }
        } catch (CertificateException e) {
            throw new KeyDirectoryException("invalid X.509 certificate: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new KeyDirectoryException("no X.509 certificate found in the file");
        }
        return keys;
    }
}
