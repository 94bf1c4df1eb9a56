package org.sealrelay.gateway.crypto.keys.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.KeyTrust;

/** Keys taken from S/MIME and PGP/MIME messages signed in the test. */
class SignedMailKeysTest {
    private static final String JANE = "jane@lab.example";
    private static final String SIGNED_TEXT = "Content-Type: text/plain; charset=us-ascii\r\n\r\nLab results are ready.\r\n";

    @TempDir
    static Path home;
    static TestCertificates pki;
    static TestCertificates.Issued jane;
    static TestCertificates.Issued mallory;
    static GpgHome gpg;

    @TempDir
    Path temp;

    @BeforeAll
    static void createKeys() throws Exception {
        pki = new TestCertificates();
        jane = pki.issue(JANE, TestCertificates.rsa(), KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        mallory = pki.issue("mallory@evil.example", TestCertificates.rsa(), KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        ExternalTool.requireTool("gpg");
        gpg = new GpgHome(home.resolve("gnupg"));
        gpg.generateKey("Jane <" + JANE + ">", "future-default", "default", "1y");
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.close();
        }
    }

    @Test
    void smimeSignerCertificateIsHarvested() throws Exception {
        byte[] message = smimeMessage(JANE, SIGNED_TEXT, cmsSignature(jane, SIGNED_TEXT));

        List<DiscoveredKey> keys = SignedMailKeys.extract(message, "Q1");

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).address()).isEqualTo(JANE);
        assertThat(keys.get(0).source()).isEqualTo(KeySource.HARVESTED);
        assertThat(keys.get(0).location()).isEqualTo("Q1");
        assertThat(keys.get(0).key().encoded()).isEqualTo(TestCertificates.pem(jane.certificate()).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void alteredSignedContentIsNotHarvested() throws Exception {
        byte[] signature = cmsSignature(jane, SIGNED_TEXT);
        byte[] message = smimeMessage(JANE, SIGNED_TEXT.replace("ready", "late!"), signature);

        assertThat(SignedMailKeys.extract(message, "Q1")).isEmpty();
    }

    @Test
    void forgedSignatureWithAnotherKeyIsNotHarvested() throws Exception {
        // Jane's certificate, but the signature was made with Mallory's private key.
        TestCertificates.Issued forged = new TestCertificates.Issued(mallory.keyPair(), jane.certificate());
        byte[] message = smimeMessage(JANE, SIGNED_TEXT, cmsSignature(forged, SIGNED_TEXT));

        assertThat(SignedMailKeys.extract(message, "Q1")).isEmpty();
    }

    @Test
    void certificateForOtherAddressIsNotHarvested() throws Exception {
        byte[] message = smimeMessage(JANE, SIGNED_TEXT, cmsSignature(mallory, SIGNED_TEXT));

        assertThat(SignedMailKeys.extract(message, "Q1")).isEmpty();
    }

    @Test
    void pgpMimeAttachedKeyIsHarvested() throws Exception {
        String signedPart = pgpSignedPart();
        byte[] signature = gpg.gpg(signedPart.getBytes(StandardCharsets.US_ASCII), "--armor", "--detach-sign",
                "--local-user", JANE, "--digest-algo", "SHA256").stdout();
        byte[] message = pgpMessage(JANE, signedPart, new String(signature, StandardCharsets.US_ASCII));

        List<DiscoveredKey> keys = SignedMailKeys.extract(message, "Q2");

        assertThat(keys).extracting(key -> key.key().fingerprint()).containsExactly(gpg.fingerprint(JANE));
    }

    @Test
    void pgpMimeWithBrokenSignatureIsNotHarvested() throws Exception {
        String signedPart = pgpSignedPart();
        byte[] signature = gpg.gpg(signedPart.getBytes(StandardCharsets.US_ASCII), "--armor", "--detach-sign",
                "--local-user", JANE).stdout();
        byte[] message = pgpMessage(JANE, signedPart.replace("Lab results", "Lab rezults"),
                new String(signature, StandardCharsets.US_ASCII));

        assertThat(SignedMailKeys.extract(message, "Q2")).isEmpty();
    }

    @Test
    void harvesterRecordsKeyInDirectory() throws Exception {
        byte[] message = smimeMessage(JANE, SIGNED_TEXT, cmsSignature(jane, SIGNED_TEXT));
        KeyDirectory directory = KeyDirectory.open(temp.resolve("keys"), Clock.systemUTC());
        try (KeyDiscovery discovery = new KeyDiscovery(directory, List.of(), Duration.ofHours(1), Duration.ofHours(1));
                KeyHarvester harvester = new KeyHarvester(discovery, KeyHarvester.DEFAULT_MAX_MESSAGE_OCTETS)) {
            harvester.offer("Q3", message.length, () -> new ByteArrayInputStream(message));

            await().atMost(Duration.ofSeconds(10)).until(() -> directory.lookup(JANE).smimeCertificate().isPresent());
            KeyEntry entry = directory.lookup(JANE).smime().orElseThrow().entry();
            assertThat(entry.source()).isEqualTo("harvested:Q3");
            assertThat(entry.trust()).isEqualTo(KeyTrust.FIRST_USE);
            await().atMost(Duration.ofSeconds(10)).until(() -> discovery.capabilities(JANE).current());
            assertThat(discovery.capabilities(JANE).hasSmimeCertificate()).isTrue();
        }
    }

    @Test
    void harvesterSkipsOversizedMessage() throws Exception {
        byte[] message = smimeMessage(JANE, SIGNED_TEXT, cmsSignature(jane, SIGNED_TEXT));
        KeyDirectory directory = KeyDirectory.open(temp.resolve("keys"), Clock.systemUTC());
        try (KeyDiscovery discovery = new KeyDiscovery(directory, List.of(), Duration.ofHours(1), Duration.ofHours(1));
                KeyHarvester harvester = new KeyHarvester(discovery, message.length - 1)) {
            // The declared size passes, but the content read is longer than the limit.
            harvester.offer("Q4", 10, () -> new ByteArrayInputStream(message));
            harvester.offer("Q5", message.length, () -> new ByteArrayInputStream(message));
            byte[] small = smimeMessage(JANE, SIGNED_TEXT, cmsSignature(mallory, SIGNED_TEXT));
            harvester.offer("Q6", small.length, () -> new ByteArrayInputStream(small));

            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> directory.list().isEmpty());
        }
    }

    static byte[] cmsSignature(TestCertificates.Issued signer, String content) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .build("SHA256withRSA", signer.keyPair().getPrivate(), signer.certificate()));
        generator.addCertificates(new JcaCertStore(List.of(signer.certificate())));
        CMSSignedData signed = generator.generate(new CMSProcessableByteArray(content.getBytes(StandardCharsets.US_ASCII)), false);
        return signed.getEncoded();
    }

    static byte[] smimeMessage(String from, String signedPart, byte[] signature) {
        String boundary = "----=_sig_1";
        String base64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(signature);
        String message = "From: Jane Doe <" + from + ">\r\n"
                + "To: desk@clinic.example\r\n"
                + "Subject: results\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n"
                + " boundary=\"" + boundary + "\"\r\n"
                + "\r\n"
                + "This is a signed message.\r\n"
                + "--" + boundary + "\r\n"
                + signedPart
                + "\r\n--" + boundary + "\r\n"
                + "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + base64 + "\r\n"
                + "--" + boundary + "--\r\n";
        return message.getBytes(StandardCharsets.US_ASCII);
    }

    private static String pgpSignedPart() throws Exception {
        String key = new String(gpg.exportPublic(JANE), StandardCharsets.US_ASCII).replace("\r\n", "\n").replace("\n", "\r\n");
        return "Content-Type: multipart/mixed; boundary=\"inner\"\r\n"
                + "\r\n"
                + "--inner\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "Lab results are ready.\r\n"
                + "--inner\r\n"
                + "Content-Type: application/pgp-keys; name=\"OpenPGP_key.asc\"\r\n"
                + "\r\n"
                + key
                + "--inner--\r\n";
    }

    private static byte[] pgpMessage(String from, String signedPart, String signature) {
        String boundary = "pgp-sig";
        String message = "From: " + from + "\r\n"
                + "Subject: results\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\";\r\n"
                + " boundary=\"" + boundary + "\"\r\n"
                + "\r\n"
                + "--" + boundary + "\r\n"
                + signedPart
                + "\r\n--" + boundary + "\r\n"
                + "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
                + "\r\n"
                + signature.replace("\r\n", "\n").replace("\n", "\r\n")
                + "\r\n--" + boundary + "--\r\n";
        return message.getBytes(StandardCharsets.US_ASCII);
    }
}
