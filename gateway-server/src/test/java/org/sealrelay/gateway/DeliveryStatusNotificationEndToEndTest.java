package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.RejectingNextHop;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;
import org.subethamail.smtp.RejectException;

/**
 * A next hop rejects one recipient with 550; the gateway sends the sender a delivery status
 * notification through the same smart host.
 */
class DeliveryStatusNotificationEndToEndTest {
    private static final String BODY_SECRET = "SSN 123-45-6789";

    @TempDir
    Path directory;

    private RejectingNextHop nextHop;
    private Gateway gateway;
    private GatewayConfig config;

    @BeforeEach
    void startNextHop() throws Exception {
        nextHop = new RejectingNextHop(Map.of("gone@lab.example",
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
        String queueId = send("front-desk@clinic.example", "results@lab.example", "gone@lab.example");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        RejectingNextHop.Received original = nextHop.received().get(0);
        assertThat(original.recipients()).containsExactly("results@lab.example");
        RejectingNextHop.Received report = nextHop.received().get(1);
        assertThat(report.from()).as("reverse-path of the notification").isEmpty();
        assertThat(report.recipients()).containsExactly("front-desk@clinic.example");

        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(report.data()));
        assertThat(new ContentType(parsed.getContentType()).getParameter("report-type")).isEqualTo("delivery-status");
        MimeMultipart parts = (MimeMultipart) parsed.getContent();
        String status = text(parts, 1);
        assertThat(status).contains("Reporting-MTA: dns; gateway.test\r\n");
        assertThat(status).contains("X-SealRelay-Queue-ID: " + queueId + "\r\n");
        assertThat(status).contains("Final-Recipient: rfc822; gone@lab.example\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Remote-MTA: dns; 127.0.0.1\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <gone@lab.example>: Recipient address rejected\r\n");
        assertThat(status).doesNotContain("results@lab.example");
        assertThat(text(parts, 2)).contains("Subject: Lab results\r\n");
        assertThat(new String(report.data(), StandardCharsets.UTF_8)).doesNotContain(BODY_SECRET);
    }

    @Test
    void nullReversePathGetsNoNotification() throws Exception {
        gateway = Gateway.start(config);
        try (LogCapture logs = new LogCapture()) {
            send("", "gone@lab.example");

            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.queueManager().size() == 0);
            assertThat(logs.lines()).anyMatch(line -> line.endsWith(
                    "1 recipient(s) failed; no notification for the null reverse-path"));
        }
        assertThat(nextHop.received()).isEmpty();
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

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        RejectingNextHop.Received report = nextHop.received().get(0);
        assertThat(report.from()).isEmpty();
        assertThat(report.recipients()).containsExactly("front-desk@clinic.example");
        assertThat(new String(report.data(), StandardCharsets.UTF_8))
                .contains("Remote-MTA: dns; mx.lab.example\r\n")
                .doesNotContain(BODY_SECRET);
    }

    private String send(String from, String... recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<" + from + ">")).startsWith("250 ");
            for (String recipient : recipients) {
                assertThat(client.command("RCPT TO:<" + recipient + ">")).startsWith("250 ");
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

    private static String text(MimeMultipart parts, int index) throws Exception {
        try (InputStream in = parts.getBodyPart(index).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
