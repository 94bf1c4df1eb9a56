package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.dsn.ParsedReport;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;
import org.subethamail.smtp.RejectException;

/**
 * A SubEthaSMTP next hop, which does not offer the DSN extension, rejects one recipient with
 * 550; the gateway sends the sender its delivery status notifications through the same smart
 * host, and each is parsed back with mime4j.
 */
class DeliveryStatusNotificationEndToEndTest {
    private static final String BODY_SECRET = "SSN 123-45-6789";

    @TempDir
    Path directory;

    private RecordingSmtpServer nextHop;
    private Gateway gateway;
    private GatewayConfig config;

    @BeforeEach
    void startNextHop() throws Exception {
        nextHop = new RecordingSmtpServer(null, Map.of("gone@lab.example",
                new RejectException(550, "5.1.1 <gone@lab.example>: Recipient address rejected")));
        config = TestGateways.relayingTo(directory, nextHop.port(), "may", "");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        nextHop.close();
    }

    @Test
    void rejectedRecipientProducesNotification() throws Exception {
        gateway = Gateway.start(config);
        String queueId = send("<front-desk@clinic.example>", "<results@lab.example>", "<gone@lab.example>");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.messages().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        RecordingSmtpServer.Received original = nextHop.messages().get(0);
        assertThat(original.recipients()).containsExactly("results@lab.example");
        RecordingSmtpServer.Received delivered = nextHop.messages().get(1);
        assertThat(delivered.from()).as("reverse-path of the notification").isEmpty();
        assertThat(delivered.recipients()).containsExactly("front-desk@clinic.example");

        ParsedReport report = ParsedReport.parse(delivered.content());
        assertThat(report.mimeType()).isEqualTo("multipart/report");
        assertThat(report.contentTypeParameter("report-type")).isEqualTo("delivery-status");
        assertThat(report.partTypes()).containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(report.messageField("Reporting-MTA")).isEqualTo("dns; gateway.test");
        assertThat(report.messageField("X-SealRelay-Queue-ID")).isEqualTo(queueId);
        assertThat(report.messageField("Arrival-Date")).isNotBlank();
        assertThat(report.recipients()).hasSize(1);
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; gone@lab.example");
        assertThat(report.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(report.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(report.recipientField(0, "Remote-MTA")).isEqualTo("dns; 127.0.0.1");
        assertThat(report.recipientField(0, "Diagnostic-Code"))
                .isEqualTo("smtp; 550 5.1.1 <gone@lab.example>: Recipient address rejected");
        assertThat(report.recipientField(0, "Last-Attempt-Date")).isNotBlank();
        assertThat(report.returnedHeaders()).contains("Subject: Lab results\r\n");
        assertThat(report.rawText()).doesNotContain(BODY_SECRET);
    }

    @Test
    void envelopeIdAndOrcptComeBack() throws Exception {
        gateway = Gateway.start(config);
        send("<front-desk@clinic.example> ENVID=order+3D42",
                "<gone@lab.example> NOTIFY=FAILURE ORCPT=rfc822;Gone+2BDesk@lab.example");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.messages().size() == 1);
        ParsedReport report = ParsedReport.parse(nextHop.messages().get(0).content());
        assertThat(report.messageField("Original-Envelope-Id")).isEqualTo("order+3D42");
        assertThat(report.recipientField(0, "Original-Recipient")).isEqualTo("rfc822;Gone+2BDesk@lab.example");
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; gone@lab.example");
    }

    @Test
    void retFullAtMayReturnsHeadersWithNote() throws Exception {
        gateway = Gateway.start(config);
        send("<front-desk@clinic.example> RET=FULL", "<gone@lab.example>");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.messages().size() == 1);
        ParsedReport report = ParsedReport.parse(nextHop.messages().get(0).content());
        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.explanation()).contains("The whole message was requested, but this gateway returns it"
                + " only over TLS, and mail to your domain is not required to use TLS.");
        assertThat(report.rawText()).doesNotContain(BODY_SECRET);
    }

    @Test
    void notifySuccessAtHopWithoutDsnIsRelayed() throws Exception {
        gateway = Gateway.start(config);
        send("<front-desk@clinic.example>", "<results@lab.example> NOTIFY=SUCCESS ORCPT=rfc822;results@lab.example");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.messages().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        RecordingSmtpServer.Received notice = nextHop.messages().get(1);
        assertThat(notice.from()).isEmpty();
        assertThat(notice.recipients()).containsExactly("front-desk@clinic.example");
        ParsedReport report = ParsedReport.parse(notice.content());
        assertThat(report.header("Subject")).isEqualTo("Relayed Mail (no further delivery reports)");
        assertThat(report.recipientField(0, "Original-Recipient")).isEqualTo("rfc822;results@lab.example");
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; results@lab.example");
        assertThat(report.recipientField(0, "Action")).isEqualTo("relayed");
        assertThat(report.recipientField(0, "Status")).isEqualTo("2.0.0");
        assertThat(report.recipientField(0, "Remote-MTA")).isEqualTo("dns; 127.0.0.1");
        assertThat(report.recipientField(0, "Diagnostic-Code")).startsWith("smtp; 250 ");
        assertThat(report.rawText()).doesNotContain(BODY_SECRET);
    }

    @Test
    void notifyNeverGetsNoNotification() throws Exception {
        gateway = Gateway.start(config);
        send("<front-desk@clinic.example>", "<results@lab.example> NOTIFY=NEVER", "<gone@lab.example> NOTIFY=NEVER");

        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.queueManager().size() == 0);
        assertThat(nextHop.messages()).hasSize(1);
        assertThat(nextHop.messages().get(0).recipients()).containsExactly("results@lab.example");
    }

    @Test
    void nullReversePathGetsNoNotification() throws Exception {
        gateway = Gateway.start(config);
        try (LogCapture logs = new LogCapture()) {
            send("<>", "<gone@lab.example>");

            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.queueManager().size() == 0);
            assertThat(logs.lines()).anyMatch(line -> line.endsWith(
                    "1 recipient(s) failed; no notification for the null reverse-path"));
        }
        assertThat(nextHop.messages()).isEmpty();
    }

    @Test
    void unnotifiedFailureFoundAtStartIsReported() throws Exception {
        // The state a crash leaves between a failed attempt and its notification: the failure is
        // recorded but not marked notified.
        try (FileSpool spool = FileSpool.open(config.spool())) {
            spool.recover();
            MessageWriter writer = spool.newMessage();
            byte[] content = ("Subject: Lab results\r\n\r\n" + BODY_SECRET + "\r\n").getBytes(StandardCharsets.US_ASCII);
            writer.write(content, 0, content.length);
            EnvelopeRecipient failed = new EnvelopeRecipient("gone@lab.example", DeliveryPlan.relay(TlsLevel.MAY),
                    RecipientStatus.FAILED, 1, "550 5.1.1 unknown user", "mx.lab.example[192.0.2.7]:25", false);
            writer.commit(new Envelope(writer.id(), "front-desk@clinic.example", List.of(failed), false,
                    "192.0.2.1", "client.test", Instant.now(), content.length)).get();
        }

        gateway = Gateway.start(config);

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.messages().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        RecordingSmtpServer.Received delivered = nextHop.messages().get(0);
        assertThat(delivered.from()).isEmpty();
        assertThat(delivered.recipients()).containsExactly("front-desk@clinic.example");
        ParsedReport report = ParsedReport.parse(delivered.content());
        assertThat(report.recipientField(0, "Remote-MTA")).isEqualTo("dns; mx.lab.example");
        assertThat(report.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 unknown user");
        assertThat(report.rawText()).doesNotContain(BODY_SECRET);
    }

    /**
     * Sends one message and returns its queue id.
     *
     * @param from the MAIL FROM argument, such as {@code <a@b.example> RET=FULL}
     * @param recipients RCPT TO arguments, such as {@code <c@d.example> NOTIFY=SUCCESS}
     */
    private String send(String from, String... recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:" + from)).startsWith("250 ");
            for (String recipient : recipients) {
                assertThat(client.command("RCPT TO:" + recipient)).startsWith("250 ");
            }
            assertThat(client.command("DATA")).startsWith("354 ");
            client.sendRaw("From: <front-desk@clinic.example>\r\nSubject: Lab results\r\n\r\n" + BODY_SECRET
                    + "\r\n.\r\n");
            String reply = client.readReply();
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            client.command("QUIT");
            return reply.substring("250 2.0.0 Ok: queued as ".length()).trim();
        }
    }
}
