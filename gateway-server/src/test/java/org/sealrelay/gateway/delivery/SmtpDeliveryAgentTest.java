package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.gateway.testing.ScriptedSmtpServer;
import org.sealrelay.policy.TlsLevel;
import org.subethamail.smtp.RejectException;

/** Sessions against real loopback servers: SubEthaSMTP, or a scripted socket for broken peers. */
class SmtpDeliveryAgentTest {
    private static final String CONTENT = "Subject: test\r\n"
            + "\r\n"
            + ".leading dot\r\n"
            + "..two dots\r\n"
            + ".\r\n"
            + "middle . line\r\n"
            + "last line\r\n";

    private static TestCertificates localhostCertificate;

    @TempDir
    Path temp;

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    @BeforeAll
    static void createCertificate() throws Exception {
        localhostCertificate = TestCertificates.selfSigned("localhost", "127.0.0.1");
    }


    @Test
    void encryptDeliversContentOverStartTls() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(localhostCertificate.serverContext(), Map.of())) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.ENCRYPT, List.of("a@example.org", "b@example.org")));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("b@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).startsWith("250");
            assertThat(outcome.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(outcome.tlsCipher()).isNotBlank();
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(outcome.nextHop()).isEqualTo("localhost[127.0.0.1]:" + server.port());
            assertThat(server.messages()).hasSize(1);
            RecordingSmtpServer.Received received = server.messages().get(0);
            assertThat(received.from()).isEqualTo("sender@example.com");
            assertThat(received.recipients()).containsExactly("a@example.org", "b@example.org");
            assertThat(new String(received.content(), StandardCharsets.UTF_8)).isEqualTo(CONTENT);
        }
    }

    @Test
    void encryptWithoutStartTlsDefersAndSendsNothing() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.ENCRYPT, List.of("a@example.org", "b@example.org")));

            for (String recipient : List.of("a@example.org", "b@example.org")) {
                RecipientOutcome result = outcome.byRecipient().get(recipient);
                assertThat(result.result()).isEqualTo(Result.DEFERRED);
                assertThat(result.reply())
                        .isEqualTo("4.7.5 STARTTLS not offered by localhost[127.0.0.1]:" + server.port());
            }
            assertThat(outcome.tlsProtocol()).isNull();
            assertThat(server.mailFromCommands()).isEmpty();
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void noneIgnoresOfferedStartTls() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(localhostCertificate.serverContext(), Map.of())) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org")));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.tlsProtocol()).isNull();
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void mayDeliversInClearWithoutStartTls() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.MAY, List.of("a@example.org")));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.tlsProtocol()).isNull();
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void verifyDefersUntrustedCertificate() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(localhostCertificate.serverContext(), Map.of())) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.VERIFY, List.of("a@example.org")));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with localhost[127.0.0.1]:" + server.port()
                    + " failed at level verify");
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(server.mailFromCommands()).isEmpty();
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void verifyDeliversWithTrustedCertificate() throws Exception {
        Path trustFile = localhostCertificate.writePem(temp.resolve("trust.pem"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(localhostCertificate.serverContext(), Map.of())) {
            agents.start(config(server.port(), trustFile));

            DeliveryOutcome outcome = deliver(request(TlsLevel.VERIFY, List.of("a@example.org")));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(outcome.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void verifyDefersHostNameMismatch() throws Exception {
        TestCertificates otherName = TestCertificates.selfSigned("mx.other.test", null);
        Path trustFile = otherName.writePem(temp.resolve("trust.pem"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherName.serverContext(), Map.of())) {
            agents.start(config(server.port(), trustFile));

            DeliveryOutcome outcome = deliver(request(TlsLevel.VERIFY, List.of("a@example.org")));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DEFERRED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).startsWith("4.7.5 TLS handshake");
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void verifyDefersExpiredCertificate() throws Exception {
        TestCertificates authority = TestCertificates.authority("Test CA");
        TestCertificates expired = authority.issueExpired("localhost");
        Path trustFile = authority.writePem(temp.resolve("trust.pem"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(expired.serverContext(), Map.of())) {
            agents.start(config(server.port(), trustFile));

            DeliveryOutcome outcome = deliver(request(TlsLevel.VERIFY, List.of("a@example.org")));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with localhost[127.0.0.1]:" + server.port()
                    + " failed at level verify");
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(server.mailFromCommands()).isEmpty();
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void recipientRepliesDecidePerRecipient() throws Exception {
        Map<String, RejectException> rejections = Map.of(
                "gone@example.org", new RejectException(550, "5.1.1 no such user"),
                "busy@example.org", new RejectException(451, "4.3.0 try again later"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(localhostCertificate.serverContext(), rejections)) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(
                    TlsLevel.ENCRYPT, List.of("ok@example.org", "gone@example.org", "busy@example.org")));

            assertThat(outcome.byRecipient().get("ok@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("gone@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(outcome.byRecipient().get("gone@example.org").reply()).isEqualTo("550 5.1.1 no such user");
            assertThat(outcome.byRecipient().get("busy@example.org").result()).isEqualTo(Result.DEFERRED);
            assertThat(outcome.byRecipient().get("busy@example.org").reply()).isEqualTo("451 4.3.0 try again later");
            assertThat(server.messages()).hasSize(1);
            assertThat(server.messages().get(0).recipients()).containsExactly("ok@example.org");
        }
    }

    @Test
    void allRecipientsRejectedSkipsData() throws Exception {
        Map<String, RejectException> rejections =
                Map.of("gone@example.org", new RejectException(550, "5.1.1 no such user"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, rejections)) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.MAY, List.of("gone@example.org")));

            assertThat(outcome.byRecipient().get("gone@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void connectionRefusedDefers() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        agents.start(config("127.0.0.1", port, null));

        DeliveryOutcome outcome = deliver(request(TlsLevel.MAY, List.of("a@example.org")));

        RecipientOutcome result = outcome.byRecipient().get("a@example.org");
        assertThat(result.result()).isEqualTo(Result.DEFERRED);
        assertThat(result.reply()).startsWith("4.4.1 connect to 127.0.0.1[127.0.0.1]:" + port + " failed");
        assertThat(outcome.nextHop()).isEqualTo("127.0.0.1[127.0.0.1]:" + port);
    }

    @Test
    void malformedGreetingCodeDefers() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("2x0 hi\r\n", Map.of())) {
            agents.start(config("127.0.0.1", server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org")));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.5.0 invalid reply: expected a 3-digit reply code; got '2x0 hi'");
            assertThat(server.commands()).noneMatch(command -> command.startsWith("MAIL"));
        }
    }

    @Test
    void malformedDataReplyNeverDelivers() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250-localhost\r\n250 8BITMIME\r\n",
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "250 2.1.5 ok\r\n",
                "DATA", "354 go ahead\r\n",
                ".", "25O 2.0.0 queued\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org"), "x\r\n"));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.5.0 invalid reply");
        }
    }

    @Test
    void missingReplyTimesOut() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", Map.of())) {
            agents.start(config("127.0.0.1", server.port(), null, Duration.ofMillis(300)));

            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org")));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.4.2 timed out after 300 ms waiting for the reply to EHLO");
        }
    }

    @Test
    void stalledContentWriteTimesOut() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250 scripted\r\n",
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "250 2.1.5 ok\r\n",
                "DATA", "354 go ahead\r\n" + ScriptedSmtpServer.STALL);
        // Far more than loopback's socket buffers hold, so the write stalls once the server stops reading.
        String content = "Subject: large\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(32 * 1024);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(deliveryConfig().smartHost("127.0.0.1", server.port()).dataTimeout(Duration.ofMillis(500))
                    .build());

            long start = System.nanoTime();
            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org"), content));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.4.2 timed out after 500 ms sending the message content to ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void transientGreetingDefers() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("421 4.3.2 busy\r\n", Map.of("QUIT", "221 bye\r\n"))) {
            agents.start(config("127.0.0.1", server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org")));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).contains("421 4.3.2 busy");
        }
    }

    @Test
    void invalidRecipientBouncesWithoutCommand() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agents.start(config(server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.MAY, List.of("ok@example.org", "bad>\r\nRSET@example.org")));

            assertThat(outcome.byRecipient().get("ok@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("bad>\r\nRSET@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(server.messages().get(0).recipients()).containsExactly("ok@example.org");
        }
    }

    @Test
    void pipeliningSendsMailAndRcptTogether() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250-scripted\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000\r\n",
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "250 2.1.5 ok\r\n",
                "DATA", "354 go ahead\r\n",
                ".", "250 2.0.0 queued as X1\r\n",
                "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));
            DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "sender@example.com",
                    List.of("a@example.org", "b@example.org"), "example.org", TlsLevel.MAY, true, 12,
                    () -> new ByteArrayInputStream("x\r\n".getBytes(StandardCharsets.US_ASCII)));

            DeliveryOutcome outcome = deliver(request);

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("b@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("250 2.0.0 queued as X1");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).containsExactly(
                    "EHLO relay.test",
                    "MAIL FROM:<sender@example.com> BODY=8BITMIME SIZE=12",
                    "RCPT TO:<a@example.org>",
                    "RCPT TO:<b@example.org>",
                    "DATA",
                    "x",
                    ".",
                    "QUIT");
        }
    }

    @Test
    void oversizedMessageBouncesBeforeMail() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250-scripted\r\n250 SIZE 10\r\n",
                "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.NONE, List.of("a@example.org")));

            RecipientOutcome result = outcome.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.BOUNCED);
            assertThat(result.reply()).startsWith("5.3.4 message size " + CONTENT.length() + " exceeds the limit of 10");
            assertThat(server.commands()).noneMatch(command -> command.startsWith("MAIL"));
        }
    }

    @Test
    void rejectedEhloFallsBackToHelo() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "502 5.5.1 unknown command\r\n",
                "HELO", "250 scripted\r\n",
                "MAIL", "250 ok\r\n",
                "RCPT", "250 ok\r\n",
                "DATA", "354 go ahead\r\n",
                ".", "250 queued\r\n",
                "QUIT", "221 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.MAY, List.of("a@example.org")));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(server.commands()).contains("HELO relay.test", "MAIL FROM:<sender@example.com>");
        }
    }

    @Test
    void startTlsDiscardsInjectedPlaintext() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250-scripted\r\n250 STARTTLS\r\n",
                // The second line arrives in the same segment as the 220 and must not be read as the
                // reply to the EHLO sent inside TLS.
                "STARTTLS", "220 2.0.0 ready\r\n250 injected\r\n",
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "250 2.1.5 ok\r\n",
                "DATA", "354 go ahead\r\n",
                ".", "250 2.0.0 queued\r\n",
                "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server =
                new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies, localhostCertificate.serverContext())) {
            agents.start(config("127.0.0.1", server.port(), null));

            DeliveryOutcome outcome = deliver(request(TlsLevel.ENCRYPT, List.of("a@example.org")));

            assertThat(outcome.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("250 2.0.0 queued");
            assertThat(server.commands()).containsSubsequence("STARTTLS", "EHLO relay.test", "MAIL FROM:<sender@example.com>");
        }
    }

    private DeliveryOutcome deliver(DeliveryRequest request) throws Exception {
        return agents.deliver(request);
    }

    private static DeliveryRequest request(TlsLevel level, List<String> recipients) {
        return request(level, recipients, CONTENT);
    }

    private static DeliveryRequest request(TlsLevel level, List<String> recipients, String content) {
        return DeliveryRequests.request(recipients, "example.org", level, content);
    }

    private static DeliveryConfig config(int port, Path trustFile) {
        return config("localhost", port, trustFile);
    }

    private static DeliveryConfig config(String host, int port, Path trustFile) {
        return config(host, port, trustFile, Duration.ofSeconds(10));
    }

    private static DeliveryConfig config(String host, int port, Path trustFile, Duration commandTimeout) {
        return deliveryConfig().smartHost(host, port).trustFile(trustFile).commandTimeout(commandTimeout).build();
    }

    @Test
    void smtpUtf8AndDsnParametersArePassedOn() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250-scripted\r\n250-PIPELINING\r\n250-SMTPUTF8\r\n250 DSN\r\n",
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "250 2.1.5 ok\r\n",
                "DATA", "354 go ahead\r\n",
                ".", "250 2.0.0 queued as X2\r\n",
                "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));
            DeliveryRequest request = DeliveryRequests.request(List.of("a@example.org"), "example.org",
                    TlsLevel.MAY, "x\r\n",
                    new org.sealrelay.gateway.spool.TransactionOptions(true, false, "HDRS", "ENV+2B1"),
                    List.of(new org.sealrelay.gateway.spool.DsnRequest(java.util.EnumSet.of(
                            org.sealrelay.gateway.spool.DsnRequest.Notify.FAILURE,
                            org.sealrelay.gateway.spool.DsnRequest.Notify.DELAY), "rfc822;a@example.org")));

            DeliveryOutcome outcome = deliver(request);

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).contains(
                    "MAIL FROM:<sender@example.com> SMTPUTF8 RET=HDRS ENVID=ENV+2B1",
                    "RCPT TO:<a@example.org> NOTIFY=DELAY,FAILURE ORCPT=rfc822;a@example.org");
        }
    }

    @Test
    void smtpUtf8MessageBouncesWithoutServerSupport() throws Exception {
        Map<String, String> replies = Map.of("EHLO", "250-scripted\r\n250 PIPELINING\r\n", "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));
            DeliveryRequest request = DeliveryRequests.request(List.of("a@example.org"), "example.org",
                    TlsLevel.MAY, "x\r\n", new org.sealrelay.gateway.spool.TransactionOptions(true, false, "", ""),
                    List.of(org.sealrelay.gateway.spool.DsnRequest.DEFAULT));

            DeliveryOutcome outcome = deliver(request);

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).startsWith("5.6.7 ");
            assertThat(server.commands()).noneMatch(command -> command.startsWith("MAIL"));
        }
    }

    @Test
    void requireTlsBouncesWithoutVerifiedTls() throws Exception {
        Map<String, String> replies = Map.of("EHLO", "250-scripted\r\n250 REQUIRETLS\r\n", "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port(), null));
            DeliveryRequest request = DeliveryRequests.request(List.of("a@example.org"), "example.org",
                    TlsLevel.MAY, "x\r\n", new org.sealrelay.gateway.spool.TransactionOptions(false, true, "", ""),
                    List.of(org.sealrelay.gateway.spool.DsnRequest.DEFAULT));

            DeliveryOutcome outcome = deliver(request);

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).startsWith("5.7.30 REQUIRETLS support required");
            assertThat(server.commands()).noneMatch(command -> command.startsWith("MAIL"));
        }
    }
}
