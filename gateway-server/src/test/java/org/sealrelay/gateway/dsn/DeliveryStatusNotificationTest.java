package org.sealrelay.gateway.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.apache.james.mime4j.dom.Message;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/** Reports composed in memory and parsed back with mime4j, field by field against RFC 3464. */
class DeliveryStatusNotificationTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-04T10:15:30Z");
    private static final Instant NOW = Instant.parse("2026-12-04T10:20:00Z");
    private static final Instant RETRY_UNTIL = Instant.parse("2026-12-09T10:15:30Z");
    private static final String HEADERS = "Received: from client.test by gateway.test\r\n"
            + "From: Clinic <front-desk@clinic.example>\r\n"
            + "To: results@lab.example\r\n"
            + "Subject: Biopsy results for Jane Patient\r\n";
    private static final String ORIGINAL = HEADERS + "\r\n" + "SSN 123-45-6789 and the diagnosis\r\n";

    private final DeliveryStatusNotification composer = new DeliveryStatusNotification("gateway.test");

    @Test
    void failureReportIsMultipartReport() {
        ParsedReport report = failureReport(List.of(bounced("results@lab.example",
                "550 5.1.1 <results@lab.example>: Recipient address rejected", "mx.lab.example[192.0.2.7]:25")));

        assertThat(report.mimeType()).isEqualTo("multipart/report");
        assertThat(report.contentTypeParameter("report-type")).isEqualTo("delivery-status");
        assertThat(report.partTypes()).containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(report.header("Subject")).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(report.header("From")).isEqualTo("Mail Delivery System <MAILER-DAEMON@gateway.test>");
        assertThat(report.header("To")).isEqualTo("<front-desk@clinic.example>");
        assertThat(report.header("Auto-Submitted")).isEqualTo("auto-replied");
        assertThat(report.header("Date")).isEqualTo("Fri, 4 Dec 2026 10:20:00 GMT");
    }

    @Test
    void failureReportFieldsPerRecipient() {
        ParsedReport report = failureReport(List.of(
                bounced("results@lab.example", "550 5.1.1 <results@lab.example>: Recipient address rejected",
                        "mx.lab.example[192.0.2.7]:25"),
                bounced("old@lab.example", "4.4.7 message expired after 120 h in the queue; last error: "
                        + "4.4.2 connection refused", "")));

        assertThat(report.messageField("Reporting-MTA")).isEqualTo("dns; gateway.test");
        assertThat(report.messageField("Arrival-Date")).isEqualTo("Fri, 4 Dec 2026 10:15:30 GMT");
        assertThat(report.messageField("Original-Envelope-Id")).isNull();
        assertThat(report.recipients()).hasSize(2);
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; results@lab.example");
        assertThat(report.recipientField(0, "Original-Recipient")).isNull();
        assertThat(report.recipientField(0, "Action")).isEqualTo("failed");
        assertThat(report.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(report.recipientField(0, "Remote-MTA")).isEqualTo("dns; mx.lab.example");
        assertThat(report.recipientField(0, "Diagnostic-Code"))
                .isEqualTo("smtp; 550 5.1.1 <results@lab.example>: Recipient address rejected");
        assertThat(report.recipientField(0, "Last-Attempt-Date")).isEqualTo("Fri, 4 Dec 2026 10:20:00 GMT");
        assertThat(report.recipientField(0, "Will-Retry-Until")).isNull();
        assertThat(report.recipientField(1, "Final-Recipient")).isEqualTo("rfc822; old@lab.example");
        assertThat(report.recipientField(1, "Status")).isEqualTo("4.4.7");
        assertThat(report.recipientField(1, "Remote-MTA")).isNull();
        assertThat(report.recipientField(1, "Diagnostic-Code")).isEqualTo(
                "x-sealrelay; 4.4.7 message expired after 120 h in the queue; last error: 4.4.2 connection refused");
    }

    @Test
    void envelopeIdAndOriginalRecipientReported() {
        EnvelopeRecipient failed = new EnvelopeRecipient("results@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT),
                RecipientStatus.FAILED, 1, "550 5.1.1 unknown user", "mx.lab.example[192.0.2.7]:25", false,
                new DsnRequest(EnumSet.of(DsnRequest.Notify.FAILURE), "rfc822;Results+2BLab@lab.example"));
        Envelope original = envelope(List.of(failed), new TransactionOptions(false, false, "HDRS", "order+3D42"));

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, original, List.of(failed),
                headersOnly(""), NOW, null));

        assertThat(report.messageField("Original-Envelope-Id")).isEqualTo("order+3D42");
        assertThat(report.recipientField(0, "Original-Recipient")).isEqualTo("rfc822;Results+2BLab@lab.example");
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; results@lab.example");
    }

    @Test
    void headersOnlyReportOmitsBody() {
        ParsedReport report = failureReport(List.of(bounced("results@lab.example", "550 5.1.1 unknown user", "")));

        assertThat(report.rawText()).doesNotContain("123-45-6789").doesNotContain("diagnosis");
        assertThat(report.returnedHeaders()).isEqualTo(HEADERS);
        assertThat(report.explanation()).contains("The header section of the original message is attached.\r\n");
    }

    @Test
    void omissionNoteExplainsMissingBody() {
        EnvelopeRecipient failed = bounced("results@lab.example", "550 5.1.1 unknown user", "");

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, envelope(List.of(failed)),
                List.of(failed), headersOnly("The whole message was requested, but not here."), NOW, null));

        assertThat(report.explanation()).contains("The header section of the original message is attached.\r\n"
                + "The whole message was requested, but not here.\r\n");
        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
    }

    @Test
    void fullMessageReturnedAsRfc822() throws Exception {
        EnvelopeRecipient failed = bounced("results@lab.example", "550 5.1.1 unknown user", "");
        ReturnedContent whole = ReturnedContent.fullMessage(
                () -> new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.US_ASCII)), false);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, envelope(List.of(failed)),
                List.of(failed), whole, NOW, null));

        assertThat(report.partTypes()).containsExactly("text/plain", "message/delivery-status", "message/rfc822");
        Message returned = report.returnedMessage();
        assertThat(returned.getSubject()).isEqualTo("Biopsy results for Jane Patient");
        assertThat(ParsedReport.bodyText(returned)).isEqualTo("SSN 123-45-6789 and the diagnosis\r\n");
        assertThat(report.returnedPart().getHeader().getField("Content-Transfer-Encoding")).isNull();
        assertThat(report.explanation()).contains("The original message is attached.\r\n");
        assertThat(report.rawText()).endsWith("SSN 123-45-6789 and the diagnosis\r\n\r\n--"
                + report.contentTypeParameter("boundary") + "--\r\n");
    }

    @Test
    void eightBitMessageDeclaresEncoding() {
        EnvelopeRecipient failed = bounced("results@lab.example", "550 5.1.1 unknown user", "");
        byte[] message = "Subject: Befund\r\n\r\nGrüße\r\n".getBytes(StandardCharsets.UTF_8);
        ReturnedContent whole = ReturnedContent.fullMessage(() -> new ByteArrayInputStream(message), true);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, envelope(List.of(failed)),
                List.of(failed), whole, NOW, null));

        assertThat(report.returnedPart().getHeader().getField("Content-Transfer-Encoding").getBody())
                .isEqualTo("8bit");
        assertThat(ParsedReport.bodyText(report.returnedMessage())).isEqualTo("Grüße\r\n");
    }

    @Test
    void messageWithoutFinalCrlfIsClosed() {
        EnvelopeRecipient failed = bounced("results@lab.example", "550 5.1.1 unknown user", "");
        byte[] message = "Subject: chunked\r\n\r\nlast line without CRLF".getBytes(StandardCharsets.US_ASCII);
        ReturnedContent whole = ReturnedContent.fullMessage(() -> new ByteArrayInputStream(message), false);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, envelope(List.of(failed)),
                List.of(failed), whole, NOW, null));

        assertThat(ParsedReport.bodyText(report.returnedMessage())).isEqualTo("last line without CRLF\r\n");
        assertThat(report.rawText()).contains("last line without CRLF\r\n\r\n--=_sealrelay_");
    }

    @Test
    void fullMessageOnlyInFailureReport() {
        EnvelopeRecipient pending = pending("slow@lab.example", "451 4.3.0 try again later");
        ReturnedContent whole = ReturnedContent.fullMessage(
                () -> new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.US_ASCII)), false);

        assertThatThrownBy(() -> composer.compose(ReportAction.DELAYED, envelope(List.of(pending)), List.of(pending),
                whole, NOW, RETRY_UNTIL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": a delayed report returns only the header section (RFC 3461 section 4.3)");
    }

    @Test
    void delayNoticeCarriesRetryTime() {
        EnvelopeRecipient pending = pending("slow@lab.example", "451 4.3.0 try again later");

        ParsedReport notice = ParsedReport.parse(composer.compose(ReportAction.DELAYED, envelope(List.of(pending)),
                List.of(pending), headersOnly(""), NOW, RETRY_UNTIL));

        assertThat(notice.header("Subject")).isEqualTo("Delayed Mail (still being retried)");
        assertThat(notice.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; slow@lab.example");
        assertThat(notice.recipientField(0, "Action")).isEqualTo("delayed");
        assertThat(notice.recipientField(0, "Status")).isEqualTo("4.3.0");
        assertThat(notice.recipientField(0, "Remote-MTA")).isEqualTo("dns; mx.lab.example");
        assertThat(notice.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 451 4.3.0 try again later");
        assertThat(notice.recipientField(0, "Last-Attempt-Date")).isEqualTo("Fri, 4 Dec 2026 10:20:00 GMT");
        assertThat(notice.recipientField(0, "Will-Retry-Until")).isEqualTo("Wed, 9 Dec 2026 10:15:30 GMT");
        assertThat(notice.explanation()).contains("will be retried until Wed, 9 Dec 2026 10:15:30 GMT");
        assertThat(notice.rawText()).doesNotContain("123-45-6789");
    }

    @Test
    void relayedNoticeReportsNextHopReply() {
        EnvelopeRecipient relayed = new EnvelopeRecipient("results@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT),
                RecipientStatus.DELIVERED, 1, "250 2.0.0 Ok: queued as 4XyZ", "mx.lab.example[192.0.2.7]:25", false,
                new DsnRequest(EnumSet.of(DsnRequest.Notify.SUCCESS), "rfc822;results@lab.example"));

        ParsedReport notice = ParsedReport.parse(composer.compose(ReportAction.RELAYED, envelope(List.of(relayed)),
                List.of(relayed), headersOnly(""), NOW, null));

        assertThat(notice.header("Subject")).isEqualTo("Relayed Mail (no further delivery reports)");
        assertThat(notice.partTypes()).containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(notice.recipientField(0, "Original-Recipient")).isEqualTo("rfc822;results@lab.example");
        assertThat(notice.recipientField(0, "Action")).isEqualTo("relayed");
        assertThat(notice.recipientField(0, "Status")).isEqualTo("2.0.0");
        assertThat(notice.recipientField(0, "Remote-MTA")).isEqualTo("dns; mx.lab.example");
        assertThat(notice.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 250 2.0.0 Ok: queued as 4XyZ");
        assertThat(notice.recipientField(0, "Will-Retry-Until")).isNull();
        assertThat(notice.explanation()).contains("no further report will come for these recipients");
    }

    @Test
    void everyLineEndsInCrlf() {
        ParsedReport report = failureReport(List.of(bounced("results@lab.example", "550 5.1.1\nbad\rreply", "")));

        assertThat(report.rawText().replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(report.recipientField(0, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1?bad?reply");
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
        assertThat(StatusCode.successCode("250 2.6.0 queued")).isEqualTo("2.6.0");
        assertThat(StatusCode.successCode("250 queued")).isEqualTo("2.0.0");
    }

    @Test
    void nullReversePathIsRejected() {
        Envelope fromNullPath = new Envelope(QueueId.generate(), "", List.of(EnvelopeRecipient.pending(
                "results@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT))), false, "192.0.2.1", "client.test",
                RECEIVED, 100);

        assertThatThrownBy(() -> composer.compose(ReportAction.FAILED, fromNullPath, fromNullPath.recipients(),
                headersOnly(""), NOW, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null reverse-path");
    }

    @Test
    void headerReaderStopsAtEmptyLine() throws Exception {
        byte[] headers = OriginalHeaders.read(new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));

        assertThat(new String(headers, StandardCharsets.UTF_8)).isEqualTo(HEADERS);
    }

    @Test
    void headerReaderCutsLongHeaderAtFieldStart() throws Exception {
        String longField = "X-Long: " + "a".repeat(OriginalHeaders.MAX_OCTETS) + "\r\n";
        String message = "Subject: first\r\n" + "X-Folded: start\r\n" + " " + "b".repeat(OriginalHeaders.MAX_OCTETS)
                + "\r\n" + longField + "\r\nbody\r\n";

        byte[] headers = OriginalHeaders.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));

        assertThat(new String(headers, StandardCharsets.US_ASCII)).isEqualTo("Subject: first\r\n");
    }

    private ParsedReport failureReport(List<EnvelopeRecipient> failed) {
        return ParsedReport.parse(composer.compose(ReportAction.FAILED, envelope(failed), failed, headersOnly(""), NOW,
                null));
    }

    private static ReturnedContent headersOnly(String note) {
        try {
            return ReturnedContent.headers(
                    OriginalHeaders.read(new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8))), note);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Envelope envelope(List<EnvelopeRecipient> recipients) {
        return envelope(recipients, TransactionOptions.NONE);
    }

    private static Envelope envelope(List<EnvelopeRecipient> recipients, TransactionOptions options) {
        return new Envelope(QueueId.generate(), "front-desk@clinic.example", recipients, false, "192.0.2.1",
                "client.test", RECEIVED, ORIGINAL.length(), false, false, options);
    }

    private static EnvelopeRecipient bounced(String address, String reply, String remoteMta) {
        return new EnvelopeRecipient(address, DeliveryPlan.relay(TlsLevel.ENCRYPT), RecipientStatus.FAILED, 1, reply,
                remoteMta, false);
    }

    private static EnvelopeRecipient pending(String address, String reply) {
        return new EnvelopeRecipient(address, DeliveryPlan.relay(TlsLevel.ENCRYPT), RecipientStatus.PENDING, 3, reply,
                "mx.lab.example[192.0.2.7]:25", false);
    }
}
