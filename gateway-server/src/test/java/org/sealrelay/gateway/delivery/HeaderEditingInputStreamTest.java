package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.MessageEdits;

class HeaderEditingInputStreamTest {
    private static final String MESSAGE = "Received: from a by b\r\n"
            + "X-Internal-Route: ward-7\r\n"
            + " bed-12\r\n"
            + "Subject: [external] Lab results\r\n"
            + "x-internal-route: second\r\n"
            + "\r\n"
            + "X-Internal-Route: this is body text\r\n"
            + "Subject: also body\r\n";

    private static String edit(String message, MessageEdits edits) throws IOException {
        try (InputStream in = new HeaderEditingInputStream(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), edits)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void addedFieldsGoToTop() throws IOException {
        String edited = edit(MESSAGE, new MessageEdits(List.of(new MessageEdits.HeaderField("X-A", "one"),
                new MessageEdits.HeaderField("X-B", "two")), ""));

        assertThat(edited).isEqualTo("X-A: one\r\nX-B: two\r\n" + MESSAGE);
    }

    @Test
    void removedFieldsLoseContinuationLinesButBodyStays() throws IOException {
        String edited = edit(MESSAGE, new MessageEdits(List.of(), "", List.of("X-Internal-Route"), ""));

        assertThat(edited).isEqualTo("Received: from a by b\r\n"
                + "Subject: [external] Lab results\r\n"
                + "\r\n"
                + "X-Internal-Route: this is body text\r\n"
                + "Subject: also body\r\n");
    }

    @Test
    void subjectTagReplacesStrippedTag() throws IOException {
        String edited = edit(MESSAGE, new MessageEdits(List.of(), "[secure]", List.of(), "[external]"));

        assertThat(edited).contains("\r\nSubject: [secure] Lab results\r\n");
        assertThat(edited).doesNotContain("[external]");
        assertThat(edited).endsWith("\r\n\r\nX-Internal-Route: this is body text\r\nSubject: also body\r\n");
    }

    @Test
    void subjectAlreadyTaggedIsLeftAlone() throws IOException {
        String edited = edit("Subject: [secure] Hi\r\n\r\nbody\r\n", new MessageEdits(List.of(), "[secure]"));

        assertThat(edited).isEqualTo("Subject: [secure] Hi\r\n\r\nbody\r\n");
    }

    @Test
    void stripWithoutTagMissIsNoChange() throws IOException {
        String edited = edit("Subject: external news\r\n\r\nbody\r\n",
                new MessageEdits(List.of(), "", List.of(), "[external]"));

        assertThat(edited).isEqualTo("Subject: external news\r\n\r\nbody\r\n");
    }

    @Test
    void missingSubjectGetsTag() throws IOException {
        String edited = edit("From: a@b.example\r\n\r\nbody\r\n", new MessageEdits(List.of(), "[secure]"));

        assertThat(edited).isEqualTo("From: a@b.example\r\nSubject: [secure]\r\n\r\nbody\r\n");
    }

    @Test
    void messageWithoutBodyGetsTag() throws IOException {
        String edited = edit("From: a@b.example\r\n", new MessageEdits(List.of(), "[secure]"));

        assertThat(edited).isEqualTo("From: a@b.example\r\nSubject: [secure]\r\n");
    }

    @Test
    void longValueIsFoldedAtWhiteSpace() throws IOException {
        String value = "word ".repeat(40).strip();
        String edited = edit("\r\nbody\r\n", new MessageEdits(List.of(new MessageEdits.HeaderField("X-Long", value)), ""));

        String header = edited.substring(0, edited.indexOf("\r\n\r\n") + 2);
        for (String line : header.split("\r\n")) {
            assertThat(line.length()).as("line '%s'", line).isLessThanOrEqualTo(HeaderEditingInputStream.FOLD_AT);
        }
        assertThat(header.replace("\r\n ", " ")).isEqualTo("X-Long: " + value + "\r\n");
        assertThat(edited).endsWith("\r\n\r\nbody\r\n");
    }

    @Test
    void longSubjectIsRefoldedWithTag() throws IOException {
        String subject = "results ".repeat(15).strip();
        String edited = edit("Subject: " + subject + "\r\n\r\nbody\r\n", new MessageEdits(List.of(), "[secure]"));

        String header = edited.substring(0, edited.indexOf("\r\n\r\n") + 2);
        assertThat(header.replace("\r\n ", " ")).isEqualTo("Subject: [secure] " + subject + "\r\n");
        assertThat(header.split("\r\n")).allMatch(line -> line.length() <= HeaderEditingInputStream.FOLD_AT);
    }

    @Test
    void eightBitOctetsPassThrough() throws IOException {
        byte[] message = "Subject: Bef\u00fcnd\r\n\r\nK\u00f6rper\r\n".getBytes(StandardCharsets.UTF_8);
        try (InputStream in = new HeaderEditingInputStream(new ByteArrayInputStream(message),
                new MessageEdits(List.of(), "[secure]"))) {
            byte[] edited = in.readAllBytes();

            assertThat(new String(edited, StandardCharsets.UTF_8)).isEqualTo("Subject: [secure] Bef\u00fcnd\r\n\r\nK\u00f6rper\r\n");
        }
    }

    @Test
    void oversizedFieldFailsAttempt() {
        String huge = "X-Huge: a\r\n" + (" " + "b".repeat(1000) + "\r\n").repeat(300) + "\r\nbody\r\n";

        assertThatThrownBy(() -> edit(huge, new MessageEdits(List.of(), "", List.of("X-Other"), "")))
                .isInstanceOf(IOException.class)
                .hasMessage("a header field is longer than 262144 octets; policy edits cannot be applied");
    }

    @Test
    void sizeBoundCoversAddedFields() throws IOException {
        MessageEdits edits = new MessageEdits(List.of(new MessageEdits.HeaderField("X-Long", "word ".repeat(150).strip())),
                "[secure]");
        String message = "Subject: " + "results ".repeat(100).strip() + "\r\n\r\nbody\r\n";

        long edited = edit(message, edits).length();

        assertThat(EditedContent.sizeBound(message.length(), edits)).isGreaterThanOrEqualTo(edited);
    }
}
