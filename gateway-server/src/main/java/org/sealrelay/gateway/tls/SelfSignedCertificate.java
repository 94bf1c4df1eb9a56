package org.sealrelay.gateway.tls;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates a self-signed server certificate with Bouncy Castle: RSA 2048 (accepted by every
 * SMTP client in use), SHA-256, valid for one year, with the host names and addresses as
 * subject alternative names.
 */
public final class SelfSignedCertificate {
    private static final Duration VALIDITY = Duration.ofDays(365);

    private final X509Certificate certificate;
    private final KeyPair keyPair;

    private SelfSignedCertificate(X509Certificate certificate, KeyPair keyPair) {
        this.certificate = certificate;
        this.keyPair = keyPair;
    }

    /**
     * Generates a certificate for the given names.
     *
     * @param commonName subject CN, usually the gateway's host name
     * @param dnsNames DNS subject alternative names
     * @param ipAddresses IP address subject alternative names, such as {@code 127.0.0.1}
     */
    public static SelfSignedCertificate generate(String commonName, List<String> dnsNames, List<String> ipAddresses)
            throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        KeyPair keyPair = generator.generateKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "SealRelay self-signed")
                .addRDN(BCStyle.CN, commonName)
                .build();
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(127, new SecureRandom());
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject,
                    keyPair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String dnsName : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, dnsName));
            }
            for (String ip : ipAddresses) {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(new GeneralName[0])));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new SelfSignedCertificate(certificate, keyPair);
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot build a self-signed certificate for " + commonName, e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /**
     * Writes the certificate and the PKCS#8 private key as PEM. The key file is created with mode
     * 0600 before any key material is written, and each file appears under its final name only
     * when complete.
     */
    public void writePem(Path certificateFile, Path privateKeyFile) throws IOException {
        writeAtomically(certificateFile, false, writer -> writePemObject(writer, certificate));
        writeAtomically(privateKeyFile, true, writer -> writePemObject(writer, keyPair.getPrivate()));
    }

    private static void writePemObject(Writer writer, Object object) throws IOException {
        try (JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(object);
        }
    }

    private interface PemBody {
        void write(Writer writer) throws IOException;
    }

    private static void writeAtomically(Path target, boolean secret, PemBody body) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = parent.resolve(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (secret) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            body.write(writer);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
