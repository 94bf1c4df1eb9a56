package org.sealrelay.gateway.delivery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.sealrelay.policy.MessageEdits;

/**
 * Applies {@link MessageEdits} to a message while it streams: the header section is rewritten
 * one field at a time, and the body passes through unchanged and unbuffered.
 *
 * <p>New fields go to the top of the header section, in order. Removed fields go with their
 * continuation lines. The first Subject field is unfolded, the strip tag is taken out once,
 * the tag is put in front unless the subject already starts with it, and the field is folded
 * again (RFC 5322 section 2.2.3). A message without a Subject field gets one that contains
 * the tag. Text is handled as ISO-8859-1, so octets outside ASCII pass through unchanged.
 *
 * <p>NOTE: a tag inside an RFC 2047 encoded word is not recognized, so a subject sent encoded
 * keeps such a tag and gets the new one in front of the encoded word.
 */
final class HeaderEditingInputStream extends InputStream {
    /** Folded lines aim at this length (RFC 5322 section 2.1.1 recommends 78 characters). */
    static final int FOLD_AT = 78;
    /** Bounds the memory one header field may take; a longer field fails the delivery attempt. */
    static final int MAX_FIELD_OCTETS = 256 * 1024;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private enum Phase { HEADER, BODY }

    private final InputStream in;
    private final MessageEdits edits;
    private Phase phase = Phase.HEADER;
    private byte[] output;
    private int outputPosition;
    private byte[] lookahead;
    private boolean subjectSeen;

    /** Takes ownership of {@code in}, which {@link #close} closes. */
    HeaderEditingInputStream(InputStream in, MessageEdits edits) {
        this.in = new BufferedInputStream(in, 8192);
        this.edits = edits;
        this.output = addedFields();
    }

    @Override
    public int read() throws IOException {
        byte[] single = new byte[1];
        int count = read(single, 0, 1);
        return count < 0 ? -1 : single[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (output == null || outputPosition == output.length) {
            if (phase == Phase.BODY) {
                return in.read(buffer, offset, length);
            }
            output = nextHeaderChunk();
            outputPosition = 0;
        }
        int count = Math.min(length, output.length - outputPosition);
        System.arraycopy(output, outputPosition, buffer, offset, count);
        outputPosition += count;
        return count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Returns the edited form of the next header field, or the end of the header section. */
    private byte[] nextHeaderChunk() throws IOException {
        byte[] line = lookahead != null ? lookahead : readLine();
        lookahead = null;
        if (line == null || isBlank(line) || !isFieldStart(line)) {
            // The end of the header section, or a line that cannot start a field: the rest is body.
            phase = Phase.BODY;
            byte[] missingSubject = missingSubject();
            byte[] rest = line == null ? new byte[0] : line;
            return concat(missingSubject, rest);
        }
        ByteArrayOutputStream field = new ByteArrayOutputStream(line.length);
        field.write(line);
        while (true) {
            byte[] next = readLine();
            if (next == null || next.length == 0 || (next[0] != ' ' && next[0] != '\t')) {
                lookahead = next;
                break;
            }
            if (field.size() + next.length > MAX_FIELD_OCTETS) {
                throw new IOException("a header field is longer than " + MAX_FIELD_OCTETS
                        + " octets; policy edits cannot be applied");
            }
            field.write(next);
        }
        return edit(field.toByteArray());
    }

    private byte[] edit(byte[] field) {
        String text = new String(field, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        String name = text.substring(0, colon).trim();
        for (String removed : edits.removeHeaders()) {
            if (removed.equalsIgnoreCase(name)) {
                return new byte[0];
            }
        }
        if (name.equalsIgnoreCase("Subject") && !subjectSeen && hasSubjectEdit()) {
            subjectSeen = true;
            String value = unfold(text.substring(colon + 1));
            return fold(text.substring(0, colon), editSubject(value));
        }
        subjectSeen |= name.equalsIgnoreCase("Subject");
        return field;
    }

    private boolean hasSubjectEdit() {
        return !edits.subjectTag().isEmpty() || !edits.stripSubjectTag().isEmpty();
    }

    /** Returns the subject text after stripping and tagging, without the leading space. */
    String editSubject(String value) {
        String subject = value.strip();
        String strip = edits.stripSubjectTag();
        if (!strip.isEmpty()) {
            int at = subject.indexOf(strip);
            if (at >= 0) {
                subject = (subject.substring(0, at) + subject.substring(at + strip.length()))
                        .replaceAll("[ \\t]{2,}", " ").strip();
            }
        }
        String tag = edits.subjectTag();
        if (!tag.isEmpty() && !subject.startsWith(tag)) {
            subject = subject.isEmpty() ? tag : tag + " " + subject;
        }
        return subject;
    }

    private byte[] missingSubject() {
        if (subjectSeen || edits.subjectTag().isEmpty()) {
            return new byte[0];
        }
        subjectSeen = true;
        return fold("Subject", edits.subjectTag());
    }

    private byte[] addedFields() {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        for (MessageEdits.HeaderField field : edits.addHeaders()) {
            fields.writeBytes(fold(field.name(), field.value()));
        }
        return fields.toByteArray();
    }

    /**
     * Returns {@code name: value} CRLF, folded before white space so that lines stay within
     * {@link #FOLD_AT} characters where the value has spaces to fold at. A run without spaces
     * stays on one line, which is at most 998 characters for the values the rules allow.
     */
    static byte[] fold(String name, String value) {
        String line = name + ": " + value;
        StringBuilder folded = new StringBuilder(line.length() + 8);
        int start = 0;
        int minimum = name.length() + 2;
        while (line.length() - start > FOLD_AT) {
            int limit = start + FOLD_AT;
            int breakAt = -1;
            for (int i = limit; i > start + (start == 0 ? minimum : 1); i--) {
                if (line.charAt(i) == ' ' || line.charAt(i) == '\t') {
                    breakAt = i;
                    break;
                }
            }
            if (breakAt < 0) {
                breakAt = nextWhiteSpace(line, limit + 1);
                if (breakAt < 0) {
                    break;
                }
            }
            folded.append(line, start, breakAt).append("\r\n");
            start = breakAt;
        }
        folded.append(line, start, line.length()).append("\r\n");
        return folded.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int nextWhiteSpace(String line, int from) {
        for (int i = from; i < line.length(); i++) {
            if (line.charAt(i) == ' ' || line.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    /** Removes the CRLF of each folded line and the final CRLF (RFC 5322 section 2.2.3). */
    private static String unfold(String value) {
        return value.replace("\r\n", "");
    }

    private static boolean isBlank(byte[] line) {
        return line.length == 2 && line[0] == CR && line[1] == LF;
    }

    /** Returns whether a line starts a header field: a name of printable ASCII without spaces, then ':'. */
    private static boolean isFieldStart(byte[] line) {
        for (int i = 0; i < line.length; i++) {
            byte b = line[i];
            if (b == ':') {
                return i > 0;
            }
            if (b <= 0x20 || b >= 0x7f) {
                return false;
            }
        }
        return false;
    }

    /** Reads one line with its CRLF, or what is left before the end of the stream; null at the end. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == LF) {
                break;
            }
            if (line.size() > MAX_FIELD_OCTETS) {
                throw new IOException("a header line is longer than " + MAX_FIELD_OCTETS
                        + " octets; policy edits cannot be applied");
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
