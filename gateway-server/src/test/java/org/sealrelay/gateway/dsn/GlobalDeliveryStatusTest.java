package org.sealrelay.gateway.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.TlsLevel;

/**
 * Reports on SMTPUTF8 messages use the RFC 6533 types and the utf-8 address type, parsed back
 * with mime4j; reports on plain messages keep the RFC 3464 types.
 */
class GlobalDeliveryStatusTest {
    private static final Instant RECEIVED = Instant.parse("2026-12-04T10:15:30Z");
    private static final Instant NOW = Instant.parse("2026-12-04T10:20:00Z");
    private static final String SENDER = "jürgen@klinik.example";
    private static final String HEADERS = "From: Jürgen <" + SENDER + ">\r\n"
            + "To: ärztin@labor.example\r\n"
            + "Subject: Befund für Frau Müller\r\n";
    private static final String ORIGINAL = HEADERS + "\r\n" + "Diagnose: vertraulich\r\n";
    private static final TransactionOptions SMTPUTF8 = new TransactionOptions(true, false, "", "");

    private final DeliveryStatusNotification composer = new DeliveryStatusNotification("gateway.test");

    @TempDir
    Path directory;

    @Test
    void smtpUtf8ReportUsesGlobalTypes() throws Exception {
        EnvelopeRecipient failed = failed("ärztin@labor.example", "utf-8;\\x{E4}rztin@labor.example");
        Envelope original = envelope(SENDER, List.of(failed), SMTPUTF8);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, original, List.of(failed),
                headersOnly(), NOW, null));

        assertThat(report.mimeType()).isEqualTo("multipart/report");
        assertThat(report.contentTypeParameter("report-type")).isEqualTo("global-delivery-status");
        assertThat(report.partTypes())
                .containsExactly("text/plain", "message/global-delivery-status", "message/global-headers");
        assertThat(report.rawText()).contains("To: <" + SENDER + ">\r\n");
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("utf-8; ärztin@labor.example");
        assertThat(report.recipientField(0, "Original-Recipient")).isEqualTo("utf-8; ärztin@labor.example");
        assertThat(report.recipientField(0, "Status")).isEqualTo("5.1.1");
        assertThat(report.returnedHeaders()).isEqualTo(HEADERS);
        assertThat(report.rawText()).doesNotContain("vertraulich");
    }

    @Test
    void globalPartsDeclareEightBit() {
        EnvelopeRecipient failed = failed("ärztin@labor.example", "");
        Envelope original = envelope(SENDER, List.of(failed), SMTPUTF8);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, original, List.of(failed),
                headersOnly(), NOW, null));

        assertThat(report.rawText()).contains("Content-Type: message/global-delivery-status\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n");
        assertThat(report.returnedPart().getContentTransferEncoding()).isEqualTo("8bit");
        assertThat(report.recipientField(0, "Original-Recipient")).isNull();
    }

    @Test
    void asciiRecipientKeepsRfc822Type() {
        EnvelopeRecipient ascii = failed("results@lab.example", "rfc822;Results+2BLab@lab.example");
        EnvelopeRecipient unicode = failed("ärztin@labor.example", "");
        Envelope original = envelope("front-desk@clinic.example", List.of(ascii, unicode), TransactionOptions.NONE);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, original,
                List.of(ascii, unicode), headersOnly(), NOW, null));

        assertThat(report.partTypes().get(1)).as("a UTF-8 recipient alone makes the report global")
                .isEqualTo("message/global-delivery-status");
        assertThat(report.recipientField(0, "Final-Recipient")).isEqualTo("rfc822; results@lab.example");
        assertThat(report.recipientField(0, "Original-Recipient")).isEqualTo("rfc822;Results+2BLab@lab.example");
        assertThat(report.recipientField(1, "Final-Recipient")).isEqualTo("utf-8; ärztin@labor.example");
    }

    @Test
    void fullMessageReturnedAsGlobal() throws Exception {
        EnvelopeRecipient failed = failed("ärztin@labor.example", "");
        Envelope original = envelope(SENDER, List.of(failed), new TransactionOptions(true, false, "FULL", ""));
        ReturnedContent whole = ReturnedContent.fullMessage(
                () -> new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)), false);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, original, List.of(failed),
                whole, NOW, null));

        assertThat(report.partTypes()).containsExactly("text/plain", "message/global-delivery-status",
                "message/global");
        Entity returned = report.returnedPart();
        assertThat(returned.getContentTransferEncoding()).isEqualTo("8bit");
        Message inner = parse(bodyOf(returned));
        assertThat(inner.getHeader().getField("Subject").getBody()).isEqualTo("Befund für Frau Müller");
        assertThat(ParsedReport.bodyText(inner)).isEqualTo("Diagnose: vertraulich\r\n");
    }

    @Test
    void plainReportKeepsAsciiTypes() {
        EnvelopeRecipient failed = failed("results@lab.example", "utf-8;r\\x{E9}sultats@lab.example");
        Envelope original = envelope("front-desk@clinic.example", List.of(failed), TransactionOptions.NONE);

        ParsedReport report = ParsedReport.parse(composer.compose(ReportAction.FAILED, original, List.of(failed),
                headersOnly(), NOW, null));

        assertThat(report.contentTypeParameter("report-type")).isEqualTo("delivery-status");
        assertThat(report.partTypes())
                .containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(report.recipientField(0, "Original-Recipient"))
                .as("a message/delivery-status part keeps the 7-bit utf-8-addr-xtext form")
                .isEqualTo("utf-8;r\\x{E9}sultats@lab.example");
    }

    @Test
    void embeddedCharactersAreDecoded() {
        assertThat(Utf8AddressType.originalRecipient("utf-8;\\x{1F600}@x.example", true)).isEqualTo("utf-8; 😀@x.example");
        assertThat(Utf8AddressType.originalRecipient("UTF-8;a+2Bb\\x{e9}@x.example", true))
                .isEqualTo("utf-8; a+bé@x.example");
        assertThat(Utf8AddressType.originalRecipient("utf-8;\\x{D800}@x.example", true))
                .as("a surrogate is no scalar value").isEqualTo("utf-8; \\x{D800}@x.example");
        assertThat(Utf8AddressType.originalRecipient("utf-8;\\x{1234567}@x.example", true))
                .isEqualTo("utf-8; \\x{1234567}@x.example");
        assertThat(Utf8AddressType.originalRecipient("utf-8;\\x{}\\x{E9@x.example", true))
                .isEqualTo("utf-8; \\x{}\\x{E9@x.example");
        assertThat(Utf8AddressType.originalRecipient("utf-8;a\\x{D}b@x.example", true))
                .as("a decoded control character is not written").isEqualTo("utf-8; a?b@x.example");
        assertThat(Utf8AddressType.originalRecipient("rfc822;a+2Bb@x.example", true)).isEqualTo("rfc822;a+2Bb@x.example");
    }

    @Test
    void writerQueuesGlobalReportWithSmtpUtf8() throws Exception {
        try (FileSpool spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"),
                directory.resolve("spool.keys")))) {
            spool.recover();
            Envelope original = commit(spool, SENDER, SMTPUTF8);
            DsnWriter writer = new DsnWriter(spool, new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of()), "gateway.test",
                    Clock.fixed(NOW, ZoneOffset.UTC));

            Envelope notification = writer.notifyFailure(original, original.failedUnnotified());

            assertThat(notification.options().smtpUtf8()).isTrue();
            assertThat(notification.options().requireTls()).isFalse();
            assertThat(notification.eightBitMime()).isTrue();
            assertThat(notification.reversePath()).isEmpty();
            assertThat(notification.recipients().get(0).address()).isEqualTo(SENDER);
            ParsedReport report = ParsedReport.parse(spool.openContent(notification.id()).readAllBytes());
            assertThat(report.partTypes().get(1)).isEqualTo("message/global-delivery-status");
        }
    }

    @Test
    void writerQueuesPlainReportWithoutSmtpUtf8() throws Exception {
        try (FileSpool spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"),
                directory.resolve("spool.keys")))) {
            spool.recover();
            Envelope original = commit(spool, "front-desk@clinic.example", TransactionOptions.NONE);
            DsnWriter writer = new DsnWriter(spool, new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of()), "gateway.test",
                    Clock.fixed(NOW, ZoneOffset.UTC));

            Envelope notification = writer.notifyFailure(original, original.failedUnnotified());

            assertThat(notification.options().smtpUtf8()).isFalse();
        }
    }

    private static Envelope commit(FileSpool spool, String sender, TransactionOptions options) throws Exception {
        MessageWriter writer = spool.newMessage();
        byte[] content = "Subject: Befund\r\n\r\nvertraulich\r\n".getBytes(StandardCharsets.UTF_8);
        writer.write(content, 0, content.length);
        EnvelopeRecipient failed = new EnvelopeRecipient("results@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT),
                RecipientStatus.FAILED, 1, "550 5.1.1 unknown user", "mx.lab.example[192.0.2.7]:25", false);
        Envelope envelope = new Envelope(writer.id(), sender, List.of(failed), false, "192.0.2.1", "client.test",
                RECEIVED, content.length, false, false, options);
        writer.commit(envelope).get();
        return envelope;
    }

    private static ReturnedContent headersOnly() {
        return ReturnedContent.headers(HEADERS.getBytes(StandardCharsets.UTF_8), "");
    }

    private static Envelope envelope(String sender, List<EnvelopeRecipient> recipients, TransactionOptions options) {
        return new Envelope(QueueId.generate(), sender, recipients, false, "192.0.2.1", "client.test", RECEIVED,
                ORIGINAL.length(), false, false, options);
    }

    private static EnvelopeRecipient failed(String address, String orcpt) {
        return new EnvelopeRecipient(address, DeliveryPlan.relay(TlsLevel.ENCRYPT), RecipientStatus.FAILED, 1,
                "550 5.1.1 unknown user", "mx.labor.example[192.0.2.7]:25", false,
                new DsnRequest(EnumSet.noneOf(DsnRequest.Notify.class), orcpt));
    }

    private static byte[] bodyOf(Entity entity) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((SingleBody) entity.getBody()).writeTo(out);
        return out.toByteArray();
    }

    private static Message parse(byte[] octets) throws Exception {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.custom().setMaxLineLen(-1).build());
        return builder.parseMessage(new ByteArrayInputStream(octets));
    }
}
