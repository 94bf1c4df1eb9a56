package org.sealrelay.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sealrelay.gateway.Gateway;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.SampleMessage;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * The gateway receives mail over SMTP, its plan starts with {@code tls-verify}, and the next hop
 * (SubEthaSMTP) offers no STARTTLS, so the plan moves on to {@code pgp} or {@code smime}. What
 * the next hop receives is decrypted with gpg and openssl and compared with the original body
 * byte for byte.
 */
class EncryptedDeliveryTest {
    private static final String PLAN = "default:\n  deliver: [tls-verify, pgp, smime]\n";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path shared;
    static EncryptionFixture keys;

    @TempDir
    Path directory;

    @BeforeAll
    static void generateKeys() throws Exception {
        org.sealrelay.gateway.testing.ExternalTool.require("gpg");
        org.sealrelay.gateway.testing.ExternalTool.require("openssl");
        keys = new EncryptionFixture(shared);
    }

    @AfterAll
    static void stopAgents() throws Exception {
        if (keys != null) {
            keys.close();
        }
    }

    @Test
    void pgpCopyDecryptsToOriginalBody() throws Exception {
        try (LogCapture logs = new LogCapture();
                NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, PLAN, "")) {
            QueueId id = send(gateway, SampleMessage.bytes(), EncryptionFixture.JANE);

            await().atMost(WAIT).until(() -> nextHop.received().size() == 1);
            NextHopServer.Received copy = nextHop.received().get(0);
            ExternalTool.Result decrypted = keys.gpgDecrypt(keys.gpg, copy.data());

            assertThat(copy.to()).isEqualTo(EncryptionFixture.JANE);
            String outer = new String(SampleMessage.splitEntity(copy.data())[0], StandardCharsets.UTF_8);
            assertThat(outer).contains("Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";");
            assertThat(outer).contains("Subject: [...]\r\n");
            assertThat(new String(copy.data(), StandardCharsets.UTF_8)).doesNotContain("X-Patient-Id")
                    .doesNotContain("Jos\u00e9").doesNotContain("the results are attached");
            assertThat(SampleMessage.splitEntity(decrypted.stdout())[1]).isEqualTo(SampleMessage.body());
            assertThat(decrypted.stdoutText()).contains("X-Patient-Id: 4711\r\n");
            await().atMost(WAIT).until(() -> gateway.queueManager().find(id) == null);
            assertThat(logs.lines()).contains("queueId=" + id + " to=***@lab.example method=pgp key="
                    + keys.janeFingerprint + " relay=127.0.0.1[127.0.0.1]:" + nextHop.port() + " status=sent");
        }
    }

    @Test
    void signedPgpCopyAlsoOpensWithEscrowKey() throws Exception {
        String encryption = """
                  openpgp:
                    escrow-key: %s
                    signing-key: %s
                """.formatted(shared.resolve("escrow.asc"), shared.resolve("org-secret.asc"));
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, PLAN, encryption)) {
            send(gateway, SampleMessage.bytes(), EncryptionFixture.JANE);

            await().atMost(WAIT).until(() -> nextHop.received().size() == 1);
            byte[] data = nextHop.received().get(0).data();
            ExternalTool.Result byRecipient = keys.gpgDecrypt(keys.gpg, data);
            ExternalTool.Result byEscrow = keys.gpgDecryptAllowingFailure(keys.escrowGpg, data);

            assertThat(byRecipient.stderr()).contains("[GNUPG:] VALIDSIG " + keys.orgFingerprint);
            assertThat(byRecipient.stderr()).contains("[GNUPG:] GOODSIG ");
            assertThat(SampleMessage.splitEntity(byRecipient.stdout())[1]).isEqualTo(SampleMessage.body());
            // The escrow home lacks the signer's public key, so gpg reports the signature as
            // unverifiable (exit 2) but decrypts.
            assertThat(byEscrow.stderr()).contains("[GNUPG:] DECRYPTION_OKAY");
            assertThat(SampleMessage.splitEntity(byEscrow.stdout())[1]).isEqualTo(SampleMessage.body());
        }
    }

    @Test
    void smimeCopyWhenRecipientHasNoPgpKey() throws Exception {
        // openssl smime reads only PKCS#1 v1.5 key transport, so this copy uses it.
        String encryption = "  smime:\n    rsa-key-transport: rsaes-pkcs1-v1_5\n";
        try (LogCapture logs = new LogCapture();
                NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, PLAN, encryption)) {
            QueueId id = send(gateway, SampleMessage.bytes(), EncryptionFixture.CARL);

            await().atMost(WAIT).until(() -> nextHop.received().size() == 1);
            Path copy = directory.resolve("carl.eml");
            Files.write(copy, nextHop.received().get(0).data());
            byte[] bySmime = keys.openssl("smime", "-decrypt", "-in", copy.toString(),
                    "-recip", shared.resolve("carl.crt").toString(), "-inkey", shared.resolve("carl.key").toString());
            byte[] byCms = keys.openssl("cms", "-decrypt", "-in", copy.toString(),
                    "-recip", shared.resolve("carl.crt").toString(), "-inkey", shared.resolve("carl.key").toString());

            assertThat(Files.readString(copy, StandardCharsets.UTF_8))
                    .contains("Content-Type: application/pkcs7-mime; smime-type=enveloped-data;\r\n\tname=\"smime.p7m\"\r\n")
                    .doesNotContain("X-Patient-Id");
            assertThat(SampleMessage.splitEntity(bySmime)[1]).isEqualTo(SampleMessage.body());
            assertThat(SampleMessage.splitEntity(byCms)[1]).isEqualTo(SampleMessage.body());
            assertThat(logs.lines()).contains("queueId=" + id + " to=***@lab.example method=pgp step not usable:"
                    + " 4.7.5 no OpenPGP key for the recipient in the key directory");
        }
    }

    @Test
    void signedGcmCopyForConfiguredDomain() throws Exception {
        String encryption = """
                  smime:
                    domain-content-ciphers: {lab.example: aes-256-gcm}
                    signing-certificate: %s
                    signing-key: %s
                """.formatted(shared.resolve("signer.crt"), shared.resolve("signer.key"));
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, "default:\n  deliver: [tls-verify, smime]\n", encryption)) {
            send(gateway, SampleMessage.bytes(), EncryptionFixture.CARL);

            await().atMost(WAIT).until(() -> nextHop.received().size() == 1);
            Path copy = directory.resolve("carl.eml");
            Files.write(copy, nextHop.received().get(0).data());
            byte[] signed = keys.openssl("cms", "-decrypt", "-in", copy.toString(),
                    "-recip", shared.resolve("carl.crt").toString(), "-inkey", shared.resolve("carl.key").toString());
            Path signedFile = directory.resolve("signed.eml");
            Files.write(signedFile, signed);
            byte[] verified = keys.openssl("cms", "-verify", "-in", signedFile.toString(),
                    "-CAfile", shared.resolve("ca.crt").toString());

            assertThat(Files.readString(copy, StandardCharsets.UTF_8))
                    .contains("smime-type=authEnveloped-data;");
            assertThat(new String(signed, StandardCharsets.US_ASCII)).startsWith("Content-Type: multipart/signed;");
            assertThat(SampleMessage.splitEntity(verified)[1]).isEqualTo(SampleMessage.body());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            old@lab.example  | pgp   | OpenPGP key      | EXPIRED
            gone@lab.example | pgp   | OpenPGP key      | REVOKED
            weak@lab.example | smime | S/MIME certificate | NO_ENCRYPTION_USAGE
            """)
    void unusableKeySkipsToNextStep(String recipient, String step, String kind, String status) throws Exception {
        try (LogCapture logs = new LogCapture();
                NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, "default:\n  deliver: [" + step + ", tls-may]\n", "")) {
            QueueId id = send(gateway, SampleMessage.bytes(), recipient);

            await().atMost(WAIT).until(() -> nextHop.received().size() == 1);

            // The last step relays the message as it is, which shows the key was not used.
            assertThat(new String(nextHop.received().get(0).data(), StandardCharsets.UTF_8)).contains("X-Patient-Id: 4711");
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("queueId=" + id + " to=***@lab.example method="
                    + step + " step not usable: 4.7.5 the recipient's " + kind + " ")
                    && line.contains(" is not usable (" + status + "): "));
            assertThat(logs.lines()).anyMatch(line -> line.startsWith("queueId=" + id + " to=***@lab.example plan step "
                    + step + " cannot be met (4.7.5 ") && line.endsWith("falling back to tls-may"));
        }
    }

    @Test
    void lastStepWithoutKeyDefersAndSendsNothing() throws Exception {
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, "default:\n  deliver: [pgp]\n", "")) {
            QueueId id = send(gateway, SampleMessage.bytes(), "nobody@lab.example");

            await().atMost(WAIT).until(() -> {
                Envelope envelope = gateway.queueManager().find(id);
                return envelope != null && envelope.recipients().get(0).attempts() >= 2;
            });

            assertThat(gateway.queueManager().find(id).recipients().get(0).lastReply())
                    .isEqualTo("4.7.5 no OpenPGP key for the recipient in the key directory");
            assertThat(nextHop.received()).as("messages sent without encryption").isEmpty();
        }
    }

    @Test
    void recipientsWithDifferentMethodsGetSeparateCopies() throws Exception {
        String policy = """
                rules:
                  - name: lab-by-pgp
                    when: {recipient-domain: lab.example}
                    deliver: [pgp]
                default:
                  deliver: [tls-may]
                """;
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, policy, "")) {
            send(gateway, SampleMessage.bytes(), EncryptionFixture.JANE, "bob@partner.example");

            await().atMost(WAIT).until(() -> nextHop.received().size() == 2);
            NextHopServer.Received toJane = received(nextHop, EncryptionFixture.JANE);
            NextHopServer.Received toBob = received(nextHop, "bob@partner.example");

            // SubEthaSMTP reports one transaction with two recipients as two equal messages, so
            // different content shows two transactions, each with only its own recipient.
            assertThat(new String(toJane.data(), StandardCharsets.UTF_8)).contains("multipart/encrypted")
                    .doesNotContain("X-Patient-Id");
            assertThat(new String(toBob.data(), StandardCharsets.UTF_8)).contains("X-Patient-Id: 4711")
                    .doesNotContain("BEGIN PGP MESSAGE");
            assertThat(SampleMessage.splitEntity(keys.gpgDecrypt(keys.gpg, toJane.data()).stdout())[1])
                    .isEqualTo(SampleMessage.body());
        }
    }

    @Test
    void twentyMegabyteMessageStreamsThrough() throws Exception {
        long bodyBytes = 20L << 20;
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = start(nextHop, PLAN, "")) {
            QueueId id;
            try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
                client.readReply();
                client.command("EHLO client.test");
                client.command("MAIL FROM:<doctor@clinic.example>");
                client.command("RCPT TO:<" + EncryptionFixture.JANE + ">");
                assertThat(client.command("DATA")).startsWith("354 ");
                try (InputStream message = new org.sealrelay.gateway.crypto.GeneratedMessage(bodyBytes, true)) {
                    sendStuffed(client, message);
                }
                String reply = client.readReply();
                assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
                id = new QueueId(reply.substring("250 2.0.0 Ok: queued as ".length()).trim());
            }

            await().atMost(Duration.ofMinutes(2)).until(() -> nextHop.received().size() == 1);
            ExternalTool.Result decrypted = keys.gpgDecrypt(keys.gpg, nextHop.received().get(0).data());

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (InputStream body = new org.sealrelay.gateway.crypto.GeneratedMessage(bodyBytes, false)) {
                body.transferTo(expected);
            }
            assertThat(SampleMessage.splitEntity(decrypted.stdout())[1]).isEqualTo(expected.toByteArray());
            await().atMost(WAIT).until(() -> gateway.queueManager().find(id) == null);
        }
    }

    private Gateway start(NextHopServer nextHop, String policy, String encryptionSettings) throws Exception {
        Path keyDirectory = directory.resolve("keys");
        keys.fillKeyDirectory(keyDirectory);
        Path policyFile = directory.resolve("policy.yaml");
        Files.writeString(policyFile, policy);
        return Gateway.start(ConfigLoader.parse("test.yaml", TestGateways.yaml(directory, 0, nextHop.port(), "verify")
                + "policy:\n  file: " + policyFile + "\nkeys:\n  directory: " + keyDirectory + "\nencryption:\n  relay-tls-level: may\n"
                + encryptionSettings));
    }

    private static QueueId send(Gateway gateway, byte[] message, String... recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<doctor@clinic.example> BODY=8BITMIME")).startsWith("250 ");
            for (String recipient : recipients) {
                assertThat(client.command("RCPT TO:<" + recipient + ">")).startsWith("250 ");
            }
            assertThat(client.command("DATA")).startsWith("354 ");
            sendStuffed(client, new java.io.ByteArrayInputStream(message));
            String reply = client.readReply();
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            return new QueueId(reply.substring("250 2.0.0 Ok: queued as ".length()).trim());
        }
    }

    /** Sends CRLF content with dot-stuffing (RFC 5321 section 4.5.2) and the final dot. */
    private static void sendStuffed(SmtpTestClient client, InputStream content) throws Exception {
        ByteArrayOutputStream chunk = new ByteArrayOutputStream(1 << 16);
        boolean lineStart = true;
        int previous = -1;
        int b;
        InputStream in = new java.io.BufferedInputStream(content, 1 << 16);
        while ((b = in.read()) >= 0) {
            if (lineStart && b == '.') {
                chunk.write('.');
            }
            chunk.write(b);
            lineStart = previous == '\r' && b == '\n';
            previous = b;
            if (chunk.size() >= 1 << 16) {
                client.sendRaw(chunk.toByteArray());
                chunk.reset();
            }
        }
        chunk.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        client.sendRaw(chunk.toByteArray());
    }

    private static NextHopServer.Received received(NextHopServer nextHop, String recipient) {
        List<NextHopServer.Received> matches = nextHop.received().stream().filter(r -> r.to().equals(recipient)).toList();
        assertThat(matches).as("copies for %s", recipient).hasSize(1);
        return matches.get(0);
    }
}
