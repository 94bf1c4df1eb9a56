package org.sealrelay.gateway.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Canonical forms compared by their SHA-256, with the examples of RFC 6376 section 3.4.5. */
class BodyCanonicalizerTest {
    @Test
    void rfcExampleRelaxedBody() throws Exception {
        assertThat(hash(Canonicalization.RELAXED, " C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(sha256(" C\r\nD E\r\n"));
    }

    @Test
    void rfcExampleSimpleBody() throws Exception {
        assertThat(hash(Canonicalization.SIMPLE, " C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(sha256(" C \r\nD \t E\r\n"));
    }

    @Test
    void rfcExampleRelaxedHeader() {
        byte[] a = Canonicalization.RELAXED.header("A: X\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] b = Canonicalization.RELAXED.header("B : Y\t\r\n\tZ  \r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(new String(a, StandardCharsets.US_ASCII)).isEqualTo("a:X\r\n");
        assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("b:Y Z\r\n");
    }

    @Test
    void emptyBodies() throws Exception {
        assertThat(hash(Canonicalization.RELAXED, "")).isEqualTo(sha256(""));
        assertThat(hash(Canonicalization.RELAXED, "\r\n \t\r\n")).isEqualTo(sha256(""));
        assertThat(hash(Canonicalization.SIMPLE, "")).isEqualTo(sha256("\r\n"));
        assertThat(hash(Canonicalization.SIMPLE, "\r\n\r\n")).isEqualTo(sha256("\r\n"));
    }

    @Test
    void whitespaceOnlyLinesInside() throws Exception {
        assertThat(hash(Canonicalization.RELAXED, "a\r\n \t \r\nb\r\n")).isEqualTo(sha256("a\r\n\r\nb\r\n"));
        assertThat(hash(Canonicalization.SIMPLE, "a\r\n \t \r\nb\r\n \r\n")).isEqualTo(sha256("a\r\n \t \r\nb\r\n \r\n"));
    }

    @Test
    void lastLineWithoutCrlf() throws Exception {
        assertThat(hash(Canonicalization.RELAXED, "a  b  ")).isEqualTo(sha256("a b\r\n"));
        assertThat(hash(Canonicalization.SIMPLE, "a  b  ")).isEqualTo(sha256("a  b  \r\n"));
    }

    @Test
    void octetsAboveAsciiPassUnchanged() throws Exception {
        assertThat(hash(Canonicalization.RELAXED, "Grüße  \r\n")).isEqualTo(sha256("Grüße\r\n"));
    }

    private static String hash(Canonicalization canonicalization, String body) throws Exception {
        BodyCanonicalizer canonicalizer = canonicalization.body(DkimSigner.sha256());
        byte[] octets = body.getBytes(StandardCharsets.UTF_8);
        // One octet at a time, so that every state change happens at a write boundary.
        for (byte octet : octets) {
            canonicalizer.write(octet);
        }
        return HexFormat.of().formatHex(canonicalizer.finish());
    }

    private static String sha256(String canonical) {
        return HexFormat.of().formatHex(DkimSigner.sha256().digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }
}
