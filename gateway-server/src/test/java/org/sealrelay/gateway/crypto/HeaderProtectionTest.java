package org.sealrelay.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header split for RFC 9788 header protection, without any encryption. */
class HeaderProtectionTest {
    private static HeaderProtection plan(String message, InputStream[] rest) throws Exception {
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        HeaderSection section = HeaderSection.read(in, HeaderSection.DEFAULT_MAX_BYTES);
        rest[0] = in;
        return HeaderProtection.plan(section, HeaderProtection.DEFAULT_SUBJECT_PLACEHOLDER);
    }

    private static String payloadHeader(HeaderProtection protection) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        protection.writePayloadHeader(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String outer(HeaderProtection protection) {
        StringBuilder text = new StringBuilder();
        for (HeaderField field : protection.outerFields()) {
            text.append(new String(field.raw(), StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    @Test
    void missingContentTypeBecomesPlainText() throws Exception {
        InputStream[] rest = new InputStream[1];
        HeaderProtection protection = plan("From: a@clinic.example\r\nSubject: Hello\r\n\r\nbody\r\n", rest);

        assertThat(payloadHeader(protection)).isEqualTo(""
                + "Content-Type: text/plain; charset=us-ascii; hp=\"cipher\"\r\n"
                + "From: a@clinic.example\r\n"
                + "Subject: Hello\r\n"
                + "HP-Outer: From: a@clinic.example\r\n"
                + "HP-Outer: Subject: [...]\r\n"
                + "\r\n");
        assertThat(new String(rest[0].readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
    }

    @Test
    void foldedUtf8SubjectStaysInside() throws Exception {
        InputStream[] rest = new InputStream[1];
        HeaderProtection protection = plan("To: b@lab.example\r\nSubject: Befund f\u00fcr\r\n Frau M\u00fcller\r\n"
                + "Reply-To: desk@clinic.example\r\n\r\n", rest);

        assertThat(outer(protection)).isEqualTo("To: b@lab.example\r\nSubject: [...]\r\n");
        assertThat(payloadHeader(protection))
                .contains("Subject: Befund f\u00fcr\r\n Frau M\u00fcller\r\n")
                .contains("Reply-To: desk@clinic.example\r\n")
                .contains("HP-Outer: To: b@lab.example\r\n");
    }

    @Test
    void messageWithoutSubjectGetsNoPlaceholder() throws Exception {
        InputStream[] rest = new InputStream[1];
        HeaderProtection protection = plan("From: a@clinic.example\r\n\r\n", rest);

        assertThat(outer(protection)).isEqualTo("From: a@clinic.example\r\n");
    }

    @Test
    void headerOnlyMessageHasEmptyBody() throws Exception {
        InputStream[] rest = new InputStream[1];
        HeaderProtection protection = plan("From: a@clinic.example\r\nSubject: x", rest);

        assertThat(payloadHeader(protection)).contains("Subject: x\r\n");
        assertThat(rest[0].read()).isEqualTo(-1);
    }

    @Test
    void bareCrIsRejected() {
        InputStream[] rest = new InputStream[1];

        assertThatThrownBy(() -> plan("From: a@clinic.example\rX: y\r\n\r\n", rest))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessage("bare CR in the header section; only CRLF ends a line");
    }

    @Test
    void leadingContinuationIsRejected() {
        InputStream[] rest = new InputStream[1];

        assertThatThrownBy(() -> plan(" folded\r\nFrom: a@clinic.example\r\n\r\n", rest))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessage("header section starts with a continuation line");
    }

    @Test
    void lineWithoutFieldNameIsRejected() {
        InputStream[] rest = new InputStream[1];

        assertThatThrownBy(() -> plan("From a@clinic.example Fri Dec  4\r\n\r\n", rest))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessage("header line without a valid field name");
    }

    @Test
    void placeholderWithLineBreakIsRejected() {
        assertThatThrownBy(() -> HeaderProtection.plan(
                HeaderSection.read(new ByteArrayInputStream("Subject: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), 1000),
                "x\r\nBcc: evil@example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subject placeholder must be printable US-ASCII; got character 0xD at index 1");
    }
}
