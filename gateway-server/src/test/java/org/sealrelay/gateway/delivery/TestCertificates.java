package org.sealrelay.gateway.delivery;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates made with Bouncy Castle, valid for one day: a self-signed server certificate,
 * or a CA and the server certificates it issues.
 */
final class TestCertificates {
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final X509Certificate[] chain;

    private TestCertificates(KeyPair keyPair, X509Certificate certificate) {
        this(keyPair, certificate, new X509Certificate[] {certificate});
    }

    private TestCertificates(KeyPair keyPair, X509Certificate certificate, X509Certificate[] chain) {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.chain = chain;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** Returns the SHA-256 digest of the certificate's public key, the data of a TLSA x 1 1 record. */
    byte[] publicKeySha256() throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
    }

    /** Returns the SHA-256 digest of the whole certificate, the data of a TLSA x 0 1 record. */
    byte[] certificateSha256() throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    }

    /** Creates a CA certificate (basicConstraints CA) that {@link #issue} signs server certificates with. */
    static TestCertificates authority(String commonName) throws GeneralSecurityException {
        KeyPair keyPair = newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        X509v3CertificateBuilder builder = builder(subject, subject, keyPair);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            return new TestCertificates(keyPair, sign(builder, keyPair));
        } catch (IOException e) {
            throw new GeneralSecurityException("failed to create the test CA", e);
        }
    }

    /** Issues a server certificate for {@code dnsName}, presented with this CA after it in the chain. */
    TestCertificates issue(String dnsName) throws GeneralSecurityException {
        KeyPair serverKeys = newKeyPair();
        X509v3CertificateBuilder builder = builder(
                new X500Name(certificate.getSubjectX500Principal().getName()), new X500Name("CN=" + dnsName), serverKeys);
        try {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate leaf = sign(builder, keyPair);
            return new TestCertificates(serverKeys, leaf, new X509Certificate[] {leaf, certificate});
        } catch (IOException e) {
            throw new GeneralSecurityException("failed to issue the test certificate", e);
        }
    }

    /** Issues a server certificate for {@code dnsName} whose validity ended yesterday. */
    TestCertificates issueExpired(String dnsName) throws GeneralSecurityException {
        KeyPair serverKeys = newKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name(certificate.getSubjectX500Principal().getName()), BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minus(Duration.ofDays(30))), Date.from(now.minus(Duration.ofDays(1))),
                new X500Name("CN=" + dnsName), serverKeys.getPublic());
        try {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate leaf = sign(builder, keyPair);
            return new TestCertificates(serverKeys, leaf, new X509Certificate[] {leaf, certificate});
        } catch (IOException e) {
            throw new GeneralSecurityException("failed to issue the expired test certificate", e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("failed to sign the test certificate", e);
        }
    }

    /** Creates a certificate whose subjectAltName lists the DNS name and, optionally, an IP address. */
    static TestCertificates selfSigned(String dnsName, String ipAddress) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keyPair = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + dnsName);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keyPair.getPublic());
        GeneralName[] names = ipAddress == null
                ? new GeneralName[] {new GeneralName(GeneralName.dNSName, dnsName)}
                : new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, ipAddress)
                };
        try {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new TestCertificates(keyPair, certificate);
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("failed to create the test certificate", e);
        }
    }

    /** Returns a server-side context that presents this certificate. */
    SSLContext serverContext() throws GeneralSecurityException, IOException {
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", keyPair.getPrivate(), password, chain);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** Writes the certificate as PEM to {@code file} and returns the file. */
    Path writePem(Path file) throws GeneralSecurityException, IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded());
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
        return file;
    }
}
