package org.sealrelay.gateway.crypto.smime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.SampleMessage;
import org.sealrelay.gateway.crypto.TestCertificates;

/** Encrypts with {@link SmimeEncryptor} and decrypts and verifies with the real openssl. */
class SmimeEncryptorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path temp;
    static TestCertificates pki;
    static TestCertificates.Issued rsaRecipient;
    static TestCertificates.Issued ecRecipient;
    static TestCertificates.Issued signer;

    @BeforeAll
    static void issueCertificates() throws Exception {
        ExternalTool.requireTool("openssl");
        pki = new TestCertificates();
        rsaRecipient = pki.issue("jane@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment);
        ecRecipient = pki.issue("ec@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        signer = pki.issue("signer@clinic.example", TestCertificates.rsa(), KeyUsage.digitalSignature);
        rsaRecipient.writePem(temp.resolve("rsa.crt"), temp.resolve("rsa.key"));
        ecRecipient.writePem(temp.resolve("ec.crt"), temp.resolve("ec.key"));
        Files.writeString(temp.resolve("ca.crt"), TestCertificates.pem(pki.ca().certificate()));
    }

    @Test
    void opensslCmsDecryptsCbcPayloadByteForByte() throws Exception {
        Path message = encrypt(SmimeEncryptor.builder().recipient(rsaRecipient.certificate()).build());

        byte[] payload = openssl("cms", "-decrypt", "-in", message.toString(),
                "-recip", temp.resolve("rsa.crt").toString(), "-inkey", temp.resolve("rsa.key").toString());

        byte[][] entity = SampleMessage.splitEntity(payload);
        assertThat(entity[1]).isEqualTo(SampleMessage.body());
        String header = new String(entity[0], StandardCharsets.UTF_8);
        assertThat(header).contains("Content-Type: multipart/mixed;\r\n\tboundary=\"outer-boundary\";\r\n hp=\"cipher\"\r\n");
        assertThat(header).contains("Subject: " + SampleMessage.SUBJECT + "\r\n");
        assertThat(header).contains("HP-Outer: Subject: [...]\r\n");
    }

    @Test
    void opensslSmimeDecryptsCbcWithPkcs1() throws Exception {
        // openssl smime goes through OpenSSL's PKCS#7 code, which cannot read RSAES-OAEP.
        Path message = encrypt(SmimeEncryptor.builder().recipient(rsaRecipient.certificate())
                .rsaKeyTransport(RsaKeyTransport.PKCS1_V1_5).build());

        byte[] payload = openssl("smime", "-decrypt", "-in", message.toString(),
                "-recip", temp.resolve("rsa.crt").toString(), "-inkey", temp.resolve("rsa.key").toString());

        assertThat(SampleMessage.splitEntity(payload)[1]).isEqualTo(SampleMessage.body());
    }

    @Test
    void cbcUsesRsaOaepAndAes256() throws Exception {
        Path message = encrypt(SmimeEncryptor.builder().recipient(rsaRecipient.certificate()).build());

        String structure = new String(openssl("cms", "-cmsout", "-print", "-in", message.toString()), StandardCharsets.US_ASCII);

        assertThat(structure).contains("contentType: pkcs7-envelopedData");
        assertThat(structure).contains("algorithm: rsaesOaep");
        assertThat(structure).contains("OBJECT            :sha256");
        assertThat(structure).contains("OBJECT            :mgf1");
        assertThat(structure).contains("algorithm: aes-256-cbc");
    }

    @Test
    void opensslCmsDecryptsGcm() throws Exception {
        Path message = encrypt(SmimeEncryptor.builder().recipient(rsaRecipient.certificate())
                .contentCipher(ContentCipher.AES256_GCM).build());

        byte[] payload = openssl("cms", "-decrypt", "-in", message.toString(),
                "-recip", temp.resolve("rsa.crt").toString(), "-inkey", temp.resolve("rsa.key").toString());
        String structure = new String(openssl("cms", "-cmsout", "-print", "-in", message.toString()), StandardCharsets.US_ASCII);

        assertThat(SampleMessage.splitEntity(payload)[1]).isEqualTo(SampleMessage.body());
        assertThat(structure).contains("contentType: id-smime-ct-authEnvelopedData");
        assertThat(structure).contains("algorithm: aes-256-gcm");
        assertThat(Files.readString(message, StandardCharsets.US_ASCII))
                .contains("Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data;\r\n\tname=\"smime.p7m\"\r\n");
    }

    @Test
    void opensslCmsDecryptsEcdh() throws Exception {
        Path message = encrypt(SmimeEncryptor.builder().recipient(ecRecipient.certificate()).build());

        byte[] payload = openssl("cms", "-decrypt", "-in", message.toString(),
                "-recip", temp.resolve("ec.crt").toString(), "-inkey", temp.resolve("ec.key").toString());
        String structure = new String(openssl("cms", "-cmsout", "-print", "-in", message.toString()), StandardCharsets.US_ASCII);

        assertThat(SampleMessage.splitEntity(payload)[1]).isEqualTo(SampleMessage.body());
        assertThat(structure).contains("dhSinglePass-stdDH-sha256kdf-scheme");
    }

    @Test
    void signedPayloadVerifiesAgainstTestCa() throws Exception {
        SmimeSigningKey signingKey = new SmimeSigningKey(signer.keyPair().getPrivate(), List.of(signer.certificate()));
        Path message = encrypt(SmimeEncryptor.builder().recipient(rsaRecipient.certificate()).signWith(signingKey).build());

        byte[] signed = openssl("cms", "-decrypt", "-in", message.toString(),
                "-recip", temp.resolve("rsa.crt").toString(), "-inkey", temp.resolve("rsa.key").toString());
        Path signedFile = temp.resolve("signed.eml");
        Files.write(signedFile, signed);
        byte[] verified = openssl("cms", "-verify", "-in", signedFile.toString(),
                "-CAfile", temp.resolve("ca.crt").toString(), "-purpose", "any");

        assertThat(new String(signed, StandardCharsets.US_ASCII))
                .startsWith("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n");
        assertThat(SampleMessage.splitEntity(verified)[1]).isEqualTo(SampleMessage.body());
    }

    @Test
    void outerHeaderHidesSubjectAndContent() throws Exception {
        Path message = encrypt(SmimeEncryptor.builder().recipient(rsaRecipient.certificate()).build());

        String outer = new String(SampleMessage.splitEntity(Files.readAllBytes(message))[0], StandardCharsets.UTF_8);

        assertThat(outer).contains("Subject: [...]\r\n");
        assertThat(outer).contains("To: Jane Patient <jane@lab.example>\r\n");
        assertThat(outer).contains("Content-Type: application/pkcs7-mime; smime-type=enveloped-data;\r\n\tname=\"smime.p7m\"\r\n");
        assertThat(outer).contains("Content-Transfer-Encoding: base64\r\n");
        assertThat(outer).doesNotContain("Jos\u00e9");
        assertThat(outer).doesNotContain("X-Patient-Id");
    }

    private static Path encrypt(SmimeEncryptor encryptor) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encryptor.encrypt(new ByteArrayInputStream(SampleMessage.bytes()), out);
        Path file = Files.createTempFile(temp, "smime-", ".eml");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        ExternalTool.Result result = ExternalTool.run(command, new byte[0], Map.of(), TIMEOUT);
        assertThat(result.exitCode()).as("openssl %s exit code; stderr: %s", List.of(arguments), result.stderr()).isZero();
        return result.stdout();
    }
}
