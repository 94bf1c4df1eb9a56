package org.sealrelay.gateway.crypto.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.InvalidMessageException;
import org.sealrelay.gateway.crypto.SampleMessage;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;

/** Encrypts with {@link PgpMimeEncryptor} and decrypts with the real gpg. */
class PgpMimeEncryptorTest {
    private static final String JANE = "Jane Patient <jane@lab.example>";
    private static final String ESCROW = "Escrow <escrow@clinic.example>";
    private static final String SIGNER = "Clinic <signer@clinic.example>";

    @TempDir
    static Path temp;
    static GpgHome recipientHome;
    static GpgHome escrowHome;
    static PGPPublicKey janeKey;
    static PGPPublicKey escrowKey;

    @BeforeAll
    static void generateKeys() throws Exception {
        ExternalTool.requireTool("gpg");
        recipientHome = new GpgHome(temp.resolve("recipient"));
        escrowHome = new GpgHome(temp.resolve("escrow"));
        recipientHome.generateKey(JANE, "future-default", "default", "1y");
        recipientHome.generateKey(SIGNER, "ed25519", "sign", "1y");
        escrowHome.generateKey(ESCROW, "rsa2048", "sign", "1y");
        // An RSA encryption subkey, so the RSA session key path is covered next to X25519.
        escrowHome.gpg(new byte[0], "--quick-add-key", escrowHome.fingerprint(ESCROW), "rsa2048", "encr", "1y");

        KeyDirectory directory = KeyDirectory.open(temp.resolve("keys"), Clock.systemUTC());
        Files.write(temp.resolve("jane.asc"), recipientHome.exportPublic(JANE));
        Files.write(temp.resolve("escrow.asc"), escrowHome.exportPublic(ESCROW));
        directory.importFile(temp.resolve("jane.asc"), false);
        directory.importFile(temp.resolve("escrow.asc"), false);
        janeKey = directory.lookup("jane@lab.example").openPgpEncryptionKey().orElseThrow();
        escrowKey = directory.lookup("escrow@clinic.example").openPgpEncryptionKey().orElseThrow();
    }

    @AfterAll
    static void stopAgents() throws Exception {
        if (recipientHome != null) {
            recipientHome.close();
        }
        if (escrowHome != null) {
            escrowHome.close();
        }
    }

    @Test
    void gpgDecryptsPayloadByteForByte() throws Exception {
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).build(), SampleMessage.bytes());

        ExternalTool.Result decrypted = recipientHome.gpg(armoredPart(output), "--decrypt");

        byte[][] payload = SampleMessage.splitEntity(decrypted.stdout());
        assertThat(payload[1]).isEqualTo(SampleMessage.body());
        String payloadHeader = new String(payload[0], StandardCharsets.UTF_8);
        assertThat(payloadHeader).contains("Content-Type: multipart/mixed;\r\n\tboundary=\"outer-boundary\";\r\n hp=\"cipher\"\r\n");
        assertThat(payloadHeader).contains("Subject: " + SampleMessage.SUBJECT + "\r\n");
        assertThat(payloadHeader).contains("X-Patient-Id: 4711\r\n");
        assertThat(payloadHeader).contains("HP-Outer: Subject: [...]\r\n");
        assertThat(payloadHeader).contains("HP-Outer: To: Jane Patient <jane@lab.example>\r\n");
    }

    @Test
    void outerHeaderKeepsRoutingOnly() throws Exception {
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).subjectPlaceholder("Encrypted message").build(),
                SampleMessage.bytes());

        String outerHeader = new String(SampleMessage.splitEntity(output)[0], StandardCharsets.UTF_8);
        assertThat(outerHeader).startsWith("Received: from ehr.clinic.example by mx.clinic.example;");
        assertThat(outerHeader).contains("From: Dr. Who <doctor@clinic.example>\r\n");
        assertThat(outerHeader).contains("To: Jane Patient <jane@lab.example>\r\n");
        assertThat(outerHeader).contains("Cc: records@clinic.example\r\n");
        assertThat(outerHeader).contains("Message-ID: <20261204.1@clinic.example>\r\n");
        assertThat(outerHeader).contains("Subject: Encrypted message\r\n");
        assertThat(outerHeader).contains("MIME-Version: 1.0\r\n");
        assertThat(outerHeader).contains("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n");
        assertThat(outerHeader).doesNotContain("Jos\u00e9");
        assertThat(outerHeader).doesNotContain("X-Patient-Id");
        assertThat(outerHeader).doesNotContain("multipart/mixed");
    }

    @Test
    void mimeParserSeesTwoParts() throws Exception {
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).build(), SampleMessage.bytes());

        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(output));
        MimeMultipart multipart = (MimeMultipart) parsed.getContent();
        ContentType type = new ContentType(parsed.getContentType());

        assertThat(type.getBaseType()).isEqualTo("multipart/encrypted");
        assertThat(type.getParameter("protocol")).isEqualTo("application/pgp-encrypted");
        assertThat(parsed.getSubject()).isEqualTo("[...]");
        assertThat(multipart.getCount()).isEqualTo(2);
        assertThat(new ContentType(multipart.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("application/pgp-encrypted");
        assertThat(new String(multipart.getBodyPart(0).getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("Version: 1\r\n");
        assertThat(new ContentType(multipart.getBodyPart(1).getContentType()).getBaseType()).isEqualTo("application/octet-stream");
        assertThat(new String(multipart.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PGP MESSAGE-----\r\n");
    }

    @Test
    void outputUsesOnlyCrlfLineEnds() throws Exception {
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).build(), SampleMessage.bytes());

        for (int i = 0; i < output.length; i++) {
            if (output[i] == '\n') {
                assertThat(output[i - 1]).as("byte before LF at offset %d", i).isEqualTo((byte) '\r');
            }
        }
        String text = new String(output, StandardCharsets.US_ASCII);
        assertThat(text).contains("\r\nVersion: 1\r\n");
        assertThat(text).endsWith("--\r\n");
    }

    @Test
    void escrowKeyDecryptsToo() throws Exception {
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).escrow(escrowKey).build(), SampleMessage.bytes());

        ExternalTool.Result byEscrow = escrowHome.gpg(armoredPart(output), "--decrypt");
        ExternalTool.Result byRecipient = recipientHome.gpg(armoredPart(output), "--decrypt");

        assertThat(SampleMessage.splitEntity(byEscrow.stdout())[1]).isEqualTo(SampleMessage.body());
        assertThat(SampleMessage.splitEntity(byRecipient.stdout())[1]).isEqualTo(SampleMessage.body());
    }

    @Test
    void signedMessageVerifiesInGpg() throws Exception {
        PgpSigningKey signer = PgpSigningKey.read(new ByteArrayInputStream(recipientHome.exportSecret(SIGNER)), new char[0]);
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).signWith(signer).build(), SampleMessage.bytes());

        ExternalTool.Result decrypted = recipientHome.gpg(armoredPart(output), "--status-fd", "2", "--decrypt");

        assertThat(decrypted.stderr()).contains("[GNUPG:] GOODSIG");
        assertThat(decrypted.stderr()).contains("[GNUPG:] VALIDSIG " + recipientHome.fingerprint(SIGNER));
        assertThat(decrypted.stderr()).contains("[GNUPG:] DECRYPTION_OKAY");
        assertThat(SampleMessage.splitEntity(decrypted.stdout())[1]).isEqualTo(SampleMessage.body());
    }

    @Test
    void encryptionUsesAes256WithIntegrityProtection() throws Exception {
        byte[] output = encrypt(PgpMimeEncryptor.builder().recipient(janeKey).build(), SampleMessage.bytes());

        ExternalTool.Result decrypted = recipientHome.gpg(armoredPart(output), "--status-fd", "2", "--decrypt");

        // DECRYPTION_INFO <mdc_method> <sym_algo>: 2 = SHA-1 MDC, 9 = AES-256.
        assertThat(decrypted.stderr()).contains("[GNUPG:] DECRYPTION_INFO 2 9");
    }

    @Test
    void bareLfInHeaderIsRejected() {
        byte[] message = "Subject: x\nFrom: a@b.example\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        PgpMimeEncryptor encryptor = PgpMimeEncryptor.builder().recipient(janeKey).build();

        assertThatThrownBy(() -> encrypt(encryptor, message))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessage("bare LF in the header section; only CRLF ends a line");
    }

    @Test
    void oversizedHeaderSectionIsRejected() {
        PgpMimeEncryptor encryptor = PgpMimeEncryptor.builder().recipient(janeKey).maxHeaderBytes(100).build();

        assertThatThrownBy(() -> encrypt(encryptor, SampleMessage.bytes()))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessage("header section larger than 100 bytes");
    }

    static byte[] encrypt(PgpMimeEncryptor encryptor, byte[] message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encryptor.encrypt(new ByteArrayInputStream(message), out);
        return out.toByteArray();
    }

    static byte[] armoredPart(byte[] output) {
        String text = new String(output, StandardCharsets.US_ASCII);
        int start = text.indexOf("-----BEGIN PGP MESSAGE-----");
        String end = "-----END PGP MESSAGE-----";
        int stop = text.indexOf(end) + end.length();
        assertThat(start).as("armor start").isNotNegative();
        return text.substring(start, stop).getBytes(StandardCharsets.US_ASCII);
    }
}
