package org.sealrelay.gateway.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.dkim.Canonicalization;
import org.sealrelay.gateway.dkim.DkimKey;
import org.sealrelay.gateway.dkim.DkimService;
import org.sealrelay.gateway.dkim.DkimSigning;
import org.sealrelay.gateway.dkim.TestKeys;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.gateway.testing.DkimVerifier;
import org.sealrelay.gateway.testing.DkimVerifier.Mode;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.TlsLevel;

/**
 * Reports written into a real spool: what RET=FULL returns under the size limit and the TLS
 * condition, and the envelope and plan that the report itself travels with.
 */
class DsnWriterTest {
    private static final Instant NOW = Instant.parse("2026-12-04T10:20:00Z");
    private static final String SECRET = "SSN 123-45-6789";

    @TempDir
    Path directory;

    private FileSpool spool;

    @BeforeEach
    void openSpool() throws IOException {
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
        spool.recover();
    }

    @AfterEach
    void closeSpool() throws IOException {
        spool.close();
    }

    @Test
    void retFullReturnsWholeMessage() throws Exception {
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", body(100));

        Envelope notification = writer(TlsLevel.ENCRYPT, 1024 * 1024).notifyFailure(original, failedOf(original));

        ParsedReport report = read(notification);
        assertThat(report.partTypes()).containsExactly("text/plain", "message/delivery-status", "message/rfc822");
        assertThat(report.returnedMessage().getSubject()).isEqualTo("Lab results");
        assertThat(ParsedReport.bodyText(report.returnedMessage())).isEqualTo(body(100));
    }

    @Test
    void retHdrsReturnsHeadersOnly() throws Exception {
        Envelope original = commitOriginal("HDRS", "front-desk@clinic.example", body(100));

        ParsedReport report = read(writer(TlsLevel.ENCRYPT, 1024 * 1024).notifyFailure(original, failedOf(original)));

        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.returnedHeaders()).isEqualTo("From: <front-desk@clinic.example>\r\nSubject: Lab results\r\n");
        assertThat(report.rawText()).doesNotContain(SECRET);
        assertThat(report.explanation()).doesNotContain("The whole message was requested");
    }

    @Test
    void retAbsentReturnsHeadersOnly() throws Exception {
        Envelope original = commitOriginal("", "front-desk@clinic.example", body(100));

        ParsedReport report = read(writer(TlsLevel.ENCRYPT, 1024 * 1024).notifyFailure(original, failedOf(original)));

        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.rawText()).doesNotContain(SECRET);
    }

    @Test
    void retFullOverLimitFallsBackToHeaders() throws Exception {
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", body(5000));

        ParsedReport report = read(writer(TlsLevel.ENCRYPT, 4096).notifyFailure(original, failedOf(original)));

        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.rawText()).doesNotContain(SECRET);
        assertThat(report.explanation()).contains("The whole message was requested, but at " + original.sizeOctets()
                + " octets it is larger than the limit of 4096 octets for returned messages.");
    }

    @Test
    void retFullWithoutRequiredTlsFallsBack() throws Exception {
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", body(100));

        ParsedReport report = read(writer(TlsLevel.MAY, 1024 * 1024).notifyFailure(original, failedOf(original)));

        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.rawText()).doesNotContain(SECRET);
        assertThat(report.explanation()).contains("The whole message was requested, but this gateway returns it"
                + " only over TLS, and mail to your domain is not required to use TLS.");
    }

    @Test
    void largeMessageStreamsThroughWhole() throws Exception {
        String large = body(3 * 1024 * 1024);
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", large);

        Envelope notification = writer(TlsLevel.ENCRYPT, 4L * 1024 * 1024).notifyFailure(original, failedOf(original));

        assertThat(notification.sizeOctets()).isGreaterThan(original.sizeOctets());
        assertThat(ParsedReport.bodyText(read(notification).returnedMessage())).isEqualTo(large);
    }

    @Test
    void delayNoticeIgnoresRetFull() throws Exception {
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", body(100));
        EnvelopeRecipient pending = original.recipients().get(0);

        ParsedReport report = read(writer(TlsLevel.ENCRYPT, 1024 * 1024).notifyDelay(original, List.of(pending),
                NOW.plusSeconds(3600)));

        assertThat(report.recipientField(0, "Action")).isEqualTo("delayed");
        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.rawText()).doesNotContain(SECRET);
    }

    @Test
    void relayedNoticeIgnoresRetFull() throws Exception {
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", body(100));
        EnvelopeRecipient delivered = original.recipients().get(0).afterAttempt(RecipientStatus.DELIVERED,
                "250 2.0.0 Ok", "mx.lab.example[192.0.2.7]:25");

        ParsedReport report = read(writer(TlsLevel.ENCRYPT, 1024 * 1024).notifyRelayed(original, List.of(delivered)));

        assertThat(report.recipientField(0, "Action")).isEqualTo("relayed");
        assertThat(report.partTypes().get(2)).isEqualTo("text/rfc822-headers");
        assertThat(report.rawText()).doesNotContain(SECRET);
    }

    @Test
    void notificationUsesSenderDomainPlan() throws Exception {
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", body(100));
        DomainTlsPolicy levels = new DomainTlsPolicy(TlsLevel.MAY, Map.of("clinic.example", TlsLevel.VERIFY,
                "lab.example", TlsLevel.NONE));
        DsnWriter writer = new DsnWriter(spool, levels, "gateway.test", Clock.fixed(NOW, ZoneOffset.UTC), 1024 * 1024);

        Envelope notification = writer.notifyFailure(original, failedOf(original));

        assertThat(notification.reversePath()).isEmpty();
        assertThat(notification.recipients()).hasSize(1);
        EnvelopeRecipient recipient = notification.recipients().get(0);
        assertThat(recipient.address()).isEqualTo("front-desk@clinic.example");
        assertThat(recipient.plan()).isEqualTo(DeliveryPlan.relay(TlsLevel.VERIFY));
        assertThat(recipient.status()).isEqualTo(RecipientStatus.PENDING);
        assertThat(notification.receivedAt()).isEqualTo(NOW);
        assertThat(notification.options()).isEqualTo(TransactionOptions.NONE);
        assertThat(read(notification).partTypes().get(2)).isEqualTo("message/rfc822");
    }

    @Test
    void signedReportWithWholeMessageVerifies() throws Exception {
        String large = body(3 * 1024 * 1024);
        Envelope original = commitOriginal("FULL", "front-desk@clinic.example", large);
        DkimKey key = TestKeys.key(TestKeys.ed25519(directory, "dkim.pem"), "gateway.test", "dsn", DkimService.EMAIL);
        DkimSigning signing = new DkimSigning(List.of(key), Canonicalization.RELAXED, Canonicalization.SIMPLE,
                Duration.ZERO, Clock.systemUTC());
        DsnWriter writer = new DsnWriter(spool, new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of()), "gateway.test",
                Clock.fixed(NOW, ZoneOffset.UTC), 8L << 20, signing);

        Envelope notification = writer.notifyFailure(original, failedOf(original));

        byte[] raw;
        try (InputStream content = spool.openContent(notification.id())) {
            raw = content.readAllBytes();
        }
        assertThat((long) raw.length).isEqualTo(notification.sizeOctets());
        String field = new String(raw, 0, 200, StandardCharsets.US_ASCII);
        assertThat(field).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/simple; d=gateway.test;");
        assertThat(field).contains("s=dsn;");
        ParsedReport report = ParsedReport.parse(raw);
        assertThat(ParsedReport.bodyText(report.returnedMessage())).isEqualTo(large);
        DkimVerifier.Result result = DkimVerifier.verify(raw, key.recordName(), key.recordText(), Mode.EMAIL, directory);
        assertThat(result.verified()).as(result.output()).isTrue();
    }

    @Test
    void reportIsUnsignedWithoutKeyForHost() throws Exception {
        Envelope original = commitOriginal("HDRS", "front-desk@clinic.example", body(100));
        DkimKey other = TestKeys.key(TestKeys.ed25519(directory, "dkim.pem"), "clinic.example", "s1", DkimService.ALL);
        DsnWriter writer = new DsnWriter(spool, new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of()), "gateway.test",
                Clock.fixed(NOW, ZoneOffset.UTC), 1024, new DkimSigning(List.of(other), Canonicalization.RELAXED,
                        Canonicalization.RELAXED, Duration.ZERO, Clock.systemUTC()));

        ParsedReport report = read(writer.notifyFailure(original, failedOf(original)));

        assertThat(report.rawText()).startsWith("From: Mail Delivery System <MAILER-DAEMON@gateway.test>\r\n");
    }

    private DsnWriter writer(TlsLevel senderLevel, long maxReturnedSize) {
        return new DsnWriter(spool, new DomainTlsPolicy(senderLevel, Map.of()), "gateway.test",
                Clock.fixed(NOW, ZoneOffset.UTC), maxReturnedSize);
    }

    private ParsedReport read(Envelope notification) throws IOException {
        try (InputStream content = spool.openContent(notification.id())) {
            byte[] raw = content.readAllBytes();
            assertThat((long) raw.length).isEqualTo(notification.sizeOctets());
            return ParsedReport.parse(raw);
        }
    }

    private Envelope commitOriginal(String ret, String sender, String body) throws Exception {
        MessageWriter writer = spool.newMessage();
        byte[] content = ("From: <" + sender + ">\r\nSubject: Lab results\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
        writer.write(content, 0, content.length);
        EnvelopeRecipient recipient = new EnvelopeRecipient("gone@lab.example", DeliveryPlan.relay(TlsLevel.ENCRYPT),
                RecipientStatus.FAILED, 1, "550 5.1.1 unknown user", "mx.lab.example[192.0.2.7]:25", false,
                new DsnRequest(EnumSet.of(DsnRequest.Notify.FAILURE), ""));
        Envelope envelope = new Envelope(writer.id(), sender, List.of(recipient), false, "192.0.2.1", "client.test",
                NOW.minusSeconds(600), content.length, false, false, new TransactionOptions(false, false, ret, ""));
        writer.commit(envelope).get();
        return envelope;
    }

    private static List<EnvelopeRecipient> failedOf(Envelope original) {
        return original.failedUnnotified();
    }

    /** Returns a body of about {@code octets} octets in 76-character lines, with the secret in the first line. */
    private static String body(int octets) {
        StringBuilder body = new StringBuilder(SECRET).append("\r\n");
        while (body.length() < octets) {
            body.append("x".repeat(76)).append("\r\n");
        }
        return body.toString();
    }
}
