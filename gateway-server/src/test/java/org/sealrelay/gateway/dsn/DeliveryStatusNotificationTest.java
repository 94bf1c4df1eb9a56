package org.sealrelay.gateway.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

class DeliveryStatusNotificationTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-04T10:15:30Z");
    private static final Instant NOW = Instant.parse("2026-12-04T10:20:00Z");
    private static final String ORIGINAL = "Received: from client.test by gateway.test\r\n"
            + "From: Clinic <front-desk@clinic.example>\r\n"
            + "To: results@lab.example\r\n"
            + "Subject: Biopsy results for Jane Patient\r\n"
            + "\r\n"
            + "SSN 123-45-6789 and the diagnosis\r\n";

    private final DeliveryStatusNotification composer = new DeliveryStatusNotification("gateway.test");

    @Test
    void reportIsMultipartReportWithThreeParts() throws Exception {
        MimeMessage report = parse(compose(List.of(bounced("results@lab.example",
                "550 5.1.1 <results@lab.example>: Recipient address rejected", "mx.lab.example[192.0.2.7]:25"))));

        ContentType type = new ContentType(report.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        assertThat(report.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(report.getHeader("To", null)).isEqualTo("<front-desk@clinic.example>");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat(new ContentType(parts.getBodyPart(1).getContentType()).getBaseType())
                .isEqualTo("message/delivery-status");
        assertThat(new ContentType(parts.getBodyPart(2).getContentType()).getBaseType())
                .isEqualTo("text/rfc822-headers");
    }

    @Test
    void statusPartCarriesPerRecipientFields() throws Exception {
        MimeMessage report = parse(compose(List.of(
                bounced("results@lab.example", "550 5.1.1 <results@lab.example>: Recipient address rejected",
                        "mx.lab.example[192.0.2.7]:25"),
                bounced("old@lab.example", "4.4.7 message expired after 120 h in the queue; last error: "
                        + "4.4.2 connection refused", ""))));

        String status = partText(report, 1);
        assertThat(status).contains("Reporting-MTA: dns; gateway.test\r\n");
        assertThat(status).contains("Arrival-Date: Fri, 4 Dec 2026 10:15:30 GMT\r\n");
        assertThat(status).contains("\r\n\r\nFinal-Recipient: rfc822; results@lab.example\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Remote-MTA: dns; mx.lab.example\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <results@lab.example>: Recipient address rejected\r\n"
                + "Last-Attempt-Date: Fri, 4 Dec 2026 10:20:00 GMT\r\n");
        assertThat(status).contains("\r\n\r\nFinal-Recipient: rfc822; old@lab.example\r\n"
                + "Action: failed\r\n"
                + "Status: 4.4.7\r\n"
                + "Diagnostic-Code: x-sealrelay; 4.4.7 message expired after 120 h in the queue; "
                + "last error: 4.4.2 connection refused\r\n");
    }

    @Test
    void originalBodyIsNotIncluded() throws Exception {
        byte[] raw = compose(List.of(bounced("results@lab.example", "550 5.1.1 unknown user", "")));

        String text = new String(raw, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("123-45-6789");
        assertThat(text).doesNotContain("diagnosis");
        String headers = partText(parse(raw), 2);
        assertThat(headers).isEqualTo("Received: from client.test by gateway.test\r\n"
                + "From: Clinic <front-desk@clinic.example>\r\n"
                + "To: results@lab.example\r\n"
                + "Subject: Biopsy results for Jane Patient\r\n");
    }

    @Test
    void everyLineEndsInCrlf() {
        String text = new String(compose(List.of(bounced("results@lab.example", "550 5.1.1\nbad\rreply", ""))),
                StandardCharsets.UTF_8);

        assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(text).contains("Diagnostic-Code: smtp; 550 5.1.1?bad?reply\r\n");
    }

    @Test
    void delayNoticeSaysDelayedWithRetryTime() throws Exception {
        EnvelopeRecipient pending = new EnvelopeRecipient("slow@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT),
                RecipientStatus.PENDING, 3, "451 4.3.0 try again later", "mx.lab.example[192.0.2.7]:25", false);
        Envelope original = new Envelope(QueueId.generate(), "front-desk@clinic.example", List.of(pending), false,
                "192.0.2.1", "client.test", RECEIVED, ORIGINAL.length());
        byte[] headers = OriginalHeaders.read(new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));

        MimeMessage notice = parse(composer.composeDelay(original, List.of(pending), headers, NOW,
                Instant.parse("2026-12-09T10:15:30Z")));

        assertThat(notice.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        String status = partText(notice, 1);
        assertThat(status).contains("Final-Recipient: rfc822; slow@lab.example\r\n"
                + "Action: delayed\r\n"
                + "Status: 4.3.0\r\n"
                + "Remote-MTA: dns; mx.lab.example\r\n"
                + "Diagnostic-Code: smtp; 451 4.3.0 try again later\r\n"
                + "Last-Attempt-Date: Fri, 4 Dec 2026 10:20:00 GMT\r\n"
                + "Will-Retry-Until: Wed, 9 Dec 2026 10:15:30 GMT\r\n");
        assertThat(partText(notice, 0)).contains("will be retried until Wed, 9 Dec 2026 10:15:30 GMT");
        assertThat(new String(composer.composeDelay(original, List.of(pending), headers, NOW, NOW),
                StandardCharsets.UTF_8)).doesNotContain("123-45-6789");
    }

    @Test
    void statusCodeFallsBackToReplyClass() {
        assertThat(StatusCode.enhanced("550 mailbox unavailable")).isEqualTo("5.0.0");
        assertThat(StatusCode.enhanced("554-5.7.1 rejected by policy")).isEqualTo("5.7.1");
        assertThat(StatusCode.enhanced("5.3.4 message size exceeds the limit")).isEqualTo("5.3.4");
        assertThat(StatusCode.enhanced("")).isEqualTo("5.0.0");
        assertThat(StatusCode.transientCode("4.7.5 STARTTLS not offered")).isEqualTo("4.7.5");
        assertThat(StatusCode.transientCode("421 closing")).isEqualTo("4.0.0");
        assertThat(StatusCode.transientCode("connection refused")).isEqualTo("4.0.0");
    }

    @Test
    void nullReversePathIsRejected() {
        Envelope fromNullPath = new Envelope(QueueId.generate(), "", List.of(EnvelopeRecipient.pending(
                "results@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT))), false, "192.0.2.1", "client.test",
                RECEIVED, 100);

        assertThatThrownBy(() -> composer.compose(fromNullPath, fromNullPath.recipients(), new byte[0], NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null reverse-path");
    }

    @Test
    void headerReaderStopsAtEmptyLine() throws Exception {
        byte[] headers = OriginalHeaders.read(new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));

        assertThat(new String(headers, StandardCharsets.UTF_8)).endsWith("Subject: Biopsy results for Jane Patient\r\n");
    }

    @Test
    void headerReaderCutsLongHeaderAtFieldStart() throws Exception {
        String longField = "X-Long: " + "a".repeat(OriginalHeaders.MAX_OCTETS) + "\r\n";
        String message = "Subject: first\r\n" + "X-Folded: start\r\n" + " " + "b".repeat(OriginalHeaders.MAX_OCTETS)
                + "\r\n" + longField + "\r\nbody\r\n";

        byte[] headers = OriginalHeaders.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));

        assertThat(new String(headers, StandardCharsets.US_ASCII)).isEqualTo("Subject: first\r\n");
    }

    private byte[] compose(List<EnvelopeRecipient> failed) {
        Envelope original = new Envelope(QueueId.generate(), "front-desk@clinic.example", failed, false,
                "192.0.2.1", "client.test", RECEIVED, ORIGINAL.length());
        try (InputStream content = new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8))) {
            return composer.compose(original, failed, OriginalHeaders.read(content), NOW);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static EnvelopeRecipient bounced(String address, String reply, String remoteMta) {
        return new EnvelopeRecipient(address, DeliveryPlan.relay(TlsLevel.ENCRYPT), RecipientStatus.FAILED, 1, reply,
                remoteMta, false);
    }

    private static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    private static String partText(MimeMessage report, int index) throws Exception {
        BodyPart part = ((MimeMultipart) report.getContent()).getBodyPart(index);
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
