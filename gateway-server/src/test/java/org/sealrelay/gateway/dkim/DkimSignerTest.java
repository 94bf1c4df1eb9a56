package org.sealrelay.gateway.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sealrelay.gateway.crypto.InvalidMessageException;
import org.sealrelay.gateway.testing.DkimVerifier;
import org.sealrelay.gateway.testing.DkimVerifier.Mode;

/** Signatures checked by dkimpy, an independent verifier, for both algorithms and canonicalizations. */
class DkimSignerTest {
    private static final String HEADER = "From: Lab Reports <reports@clinic.example>\r\n"
            + "To: <doctor@lab.example>\r\n"
            + "Subject: Weekly summary\r\n"
            + "Date: Sat, 05 Dec 2026 01:00:00 +0000\r\n"
            + "Message-ID: <summary.1@clinic.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n";

    @TempDir
    static Path keys;
    @TempDir
    Path work;

    private static DkimKey ed25519;
    private static DkimKey rsa;

    @BeforeAll
    static void createKeys() throws Exception {
        ed25519 = TestKeys.key(TestKeys.ed25519(keys, "ed25519.pem"), "clinic.example", "ed1", DkimService.ALL);
        rsa = TestKeys.key(TestKeys.rsa(keys, "rsa.pem", 2048), "clinic.example", "rsa1", DkimService.ALL);
    }

    @Test
    void ed25519SignatureVerifies() throws Exception {
        byte[] signed = signer(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED)
                .sign(message(HEADER, "Results are ready.\r\n"));

        assertThat(verify(signed, ed25519).output()).contains("verified");
        assertThat(verify(signed, ed25519).verified()).isTrue();
        assertThat(new String(signed, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
    }

    @Test
    void rsaSignatureVerifies() throws Exception {
        byte[] signed = signer(rsa, Canonicalization.RELAXED, Canonicalization.RELAXED)
                .sign(message(HEADER, "Results are ready.\r\n"));

        DkimVerifier.Result result = verify(signed, rsa);
        assertThat(result.verified()).as(result.output()).isTrue();
        assertThat(new String(signed, StandardCharsets.US_ASCII)).contains("a=rsa-sha256;");
    }

    static Stream<Arguments> canonicalizationCases() {
        List<String[]> bodies = List.of(
                new String[] {"trailing whitespace", HEADER, "Line one  \r\nLine two\t\r\n"},
                new String[] {"empty body", HEADER, ""},
                new String[] {"only empty lines", HEADER, "\r\n\r\n\r\n"},
                new String[] {"whitespace-only lines", HEADER, "  \r\n\t\r\ntext\r\n \t \r\n"},
                new String[] {"WSP runs", HEADER, "a  \t b\r\n \t  c   d\r\n"},
                new String[] {"trailing empty lines", HEADER, "text\r\n\r\n\r\n\r\n"},
                new String[] {"folded headers", HEADER.replace("Subject: Weekly summary\r\n",
                        "Subject: Weekly\r\n\t  summary   of\r\n   results \r\n")
                        .replace("To: <doctor@lab.example>\r\n", "To: <doctor@lab.example>,\r\n  <nurse@lab.example>\r\n"),
                        "Body\r\n"},
                new String[] {"header case and spacing", HEADER.replace("Subject: Weekly summary", "SUBJECT:\tWeekly   summary\t")
                        .replace("Date: ", "date:    "), "Body\r\n"},
                new String[] {"UTF-8 text", HEADER.replace("Weekly summary", "Grüße aus der Klinik"),
                        "Befund für Ärztin\r\n"},
                new String[] {"repeated fields", HEADER + "Received: from a\r\nReceived: from b\r\nCc: <a@lab.example>\r\n"
                        + "Cc: <b@lab.example>\r\n", "Body\r\n"});
        List<Arguments> cases = new ArrayList<>();
        for (String[] body : bodies) {
            for (Canonicalization header : Canonicalization.values()) {
                for (Canonicalization bodyCanonicalization : Canonicalization.values()) {
                    cases.add(Arguments.of(body[0], header, bodyCanonicalization, body[1], body[2]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}/{2}")
    @MethodSource("canonicalizationCases")
    void canonicalizationCaseVerifies(String name, Canonicalization header, Canonicalization body, String headerText,
            String bodyText) throws Exception {
        byte[] signed = signer(ed25519, header, body).sign(message(headerText, bodyText));

        DkimVerifier.Result result = verify(signed, ed25519);
        assertThat(result.verified()).as("%s: %s", name, result.output()).isTrue();
    }

    @Test
    void lastLineWithoutCrlfVerifiesAfterData() throws Exception {
        byte[] signed = signer(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED)
                .sign(message(HEADER, "no line end  "));

        // SMTP DATA ends the content with CRLF before the final dot, so the receiver gets one.
        byte[] received = (new String(signed, StandardCharsets.UTF_8) + "\r\n").getBytes(StandardCharsets.UTF_8);
        DkimVerifier.Result result = verify(received, ed25519);
        assertThat(result.verified()).as(result.output()).isTrue();
    }

    @Test
    void tamperedBodyFails() throws Exception {
        byte[] signed = signer(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED)
                .sign(message(HEADER, "Potassium 4.1 mmol/L\r\n"));
        byte[] tampered = new String(signed, StandardCharsets.US_ASCII).replace("4.1", "7.1")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(verify(signed, ed25519).verified()).isTrue();
        DkimVerifier.Result result = verify(tampered, ed25519);
        assertThat(result.verified()).isFalse();
        assertThat(result.output()).contains("body hash mismatch");
    }

    @Test
    void tamperedSubjectFails() throws Exception {
        byte[] signed = signer(rsa, Canonicalization.RELAXED, Canonicalization.RELAXED).sign(message(HEADER, "x\r\n"));
        byte[] tampered = new String(signed, StandardCharsets.US_ASCII).replace("Weekly summary", "Weekly summarY")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(verify(tampered, rsa).verified()).isFalse();
    }

    @Test
    void addedOversignedFieldFails() throws Exception {
        byte[] signed = signer(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED).sign(message(HEADER, "x\r\n"));
        String text = new String(signed, StandardCharsets.US_ASCII);
        int bodyStart = text.indexOf("\r\n\r\n") + 2;
        byte[] addedSubject = (text.substring(0, bodyStart) + "Subject: Pay this invoice\r\n" + text.substring(bodyStart))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] addedUnsigned = (text.substring(0, bodyStart) + "X-Spam-Score: 0\r\n" + text.substring(bodyStart))
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(verify(addedSubject, ed25519).verified()).as("second Subject below the signed one").isFalse();
        assertThat(verify(addedUnsigned, ed25519).verified()).as("field that is not signed").isTrue();
        assertThat(text).contains("h=from:from:");
    }

    @Test
    void otherKeyFails() throws Exception {
        DkimKey other = TestKeys.key(TestKeys.ed25519(work, "other.pem"), "clinic.example", "ed1", DkimService.ALL);
        byte[] signed = signer(other, Canonicalization.RELAXED, Canonicalization.RELAXED).sign(message(HEADER, "x\r\n"));

        assertThat(verify(signed, ed25519).verified()).isFalse();
    }

    @Test
    void expiredSignatureFails() throws Exception {
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        DkimSigner expired = new DkimSigner(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED,
                Duration.ofHours(1), Clock.fixed(twoDaysAgo, ZoneOffset.UTC));
        DkimSigner current = new DkimSigner(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED,
                Duration.ofHours(1), Clock.systemUTC());

        byte[] old = expired.sign(message(HEADER, "x\r\n"));
        String field = new String(old, StandardCharsets.US_ASCII);
        long t = twoDaysAgo.getEpochSecond();
        assertThat(field).contains("t=" + t + ";").contains("x=" + (t + 3600) + ";");
        assertThat(verify(old, ed25519).verified()).isFalse();
        assertThat(verify(current.sign(message(HEADER, "x\r\n")), ed25519).verified()).isTrue();
    }

    @Test
    void signatureFieldLinesStayShort() throws Exception {
        byte[] signed = signer(rsa, Canonicalization.RELAXED, Canonicalization.RELAXED).sign(message(HEADER, "x\r\n"));
        String text = new String(signed, StandardCharsets.US_ASCII);
        String field = text.substring(0, text.indexOf("\r\nFrom:"));

        for (String line : field.split("\r\n", -1)) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(78);
        }
        assertThat(field).doesNotContain("\n\r").contains(" bh=");
        assertThat(field.split("\r\n")[0]).startsWith("DKIM-Signature: ");
    }

    @Test
    void streamedSignatureMatchesWholeMessage() throws Exception {
        DkimSigner signer = signer(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            body.append("line ").append(i).append("  with\t\tspace \r\n");
        }
        byte[] message = message(HEADER, body.toString());

        SigningSession session = signer.start();
        for (int i = 0; i < message.length; i += 7) {
            session.write(message, i, Math.min(7, message.length - i));
        }
        byte[] pieces = session.finish();
        byte[] whole = signer.signatureField(new ByteArrayInputStream(message));

        // Ed25519 signatures are deterministic and t= is the same second, so the fields are equal.
        assertThat(new String(pieces, StandardCharsets.US_ASCII)).isEqualTo(new String(whole, StandardCharsets.US_ASCII));
        byte[] signed = new byte[pieces.length + message.length];
        System.arraycopy(pieces, 0, signed, 0, pieces.length);
        System.arraycopy(message, 0, signed, pieces.length, message.length);
        assertThat(verify(signed, ed25519).verified()).isTrue();
    }

    @Test
    void bareLineEndsAreRejected() {
        DkimSigner signer = signer(ed25519, Canonicalization.RELAXED, Canonicalization.RELAXED);

        assertThatThrownBy(() -> signer.sign(message(HEADER, "one\ntwo\r\n")))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("bare LF in the message body");
        assertThatThrownBy(() -> signer.sign(message(HEADER, "one\rtwo\r\n")))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("bare CR in the message body");
        assertThatThrownBy(() -> signer.sign(message("From: <a@clinic.example>\nTo: <b@lab.example>\r\n", "x\r\n")))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("bare LF in the header section");
    }

    private static DkimSigner signer(DkimKey key, Canonicalization header, Canonicalization body) {
        return new DkimSigner(key, header, body, Duration.ZERO, Clock.systemUTC());
    }

    private static byte[] message(String header, String body) {
        return (header + "\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    private DkimVerifier.Result verify(byte[] message, DkimKey key) throws Exception {
        Files.createDirectories(work);
        return DkimVerifier.verify(message, key.recordName(), key.recordText(), Mode.EMAIL, work);
    }
}
