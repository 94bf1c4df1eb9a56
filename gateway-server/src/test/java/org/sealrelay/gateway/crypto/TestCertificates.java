package org.sealrelay.gateway.crypto;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds a small test PKI with Bouncy Castle: one CA and end-entity certificates. */
public final class TestCertificates {
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** A key pair and its certificate. */
    public record Issued(KeyPair keyPair, X509Certificate certificate) {
        public void writePem(Path certificateFile, Path keyFile) throws IOException {
            Files.writeString(certificateFile, pem(certificate), StandardCharsets.US_ASCII);
            Files.writeString(keyFile, pem(keyPair.getPrivate()), StandardCharsets.US_ASCII);
        }
    }

    private final Issued ca;

    public TestCertificates() throws Exception {
        KeyPair keyPair = rsa();
        X500Name name = new X500Name("CN=SealRelay Test CA");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name, keyPair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.ca = new Issued(keyPair, sign(builder, keyPair));
    }

    public Issued ca() {
        return ca;
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA", PROVIDER);
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static KeyPair ecP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", PROVIDER);
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /**
     * Issues an end-entity certificate for an address.
     *
     * @param keyUsage KeyUsage bits, for example {@code KeyUsage.keyEncipherment}
     * @param notBefore start of validity
     * @param notAfter end of validity
     */
    public Issued issue(String address, KeyPair keyPair, int keyUsage, Instant notBefore, Instant notAfter) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=SealRelay Test CA"), serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + address), keyPair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
        return new Issued(keyPair, sign(builder, ca.keyPair()));
    }

    /** Issues a certificate valid from yesterday for a year. */
    public Issued issue(String address, KeyPair keyPair, int keyUsage) throws Exception {
        Instant now = Instant.now();
        return issue(address, keyPair, keyUsage, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    public static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().setProvider(PROVIDER)
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(PROVIDER).build(issuer.getPrivate())));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }
}
