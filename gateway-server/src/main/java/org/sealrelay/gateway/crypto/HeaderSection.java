package org.sealrelay.gateway.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header section of an RFC 5322 message, read from a stream that is left positioned at
 * the first byte of the body. Only the header section is buffered, up to a limit, so the body
 * can be streamed afterwards from the same stream.
 *
 * <p>Only CRLF ends a line (RFC 5322 section 2.1): a bare CR or LF is rejected, because a
 * reader that splits lines differently could see other header fields than this one does.
 */
public final class HeaderSection {
    /** Default limit on the header section; Postfix's header_size_limit is 100 KiB, so 256 KiB leaves room. */
    public static final int DEFAULT_MAX_BYTES = 256 * 1024;

    private final List<HeaderField> fields;

    private HeaderSection(List<HeaderField> fields) {
        this.fields = List.copyOf(fields);
    }

    public List<HeaderField> fields() {
        return fields;
    }

    /** Returns the first field with this name (case-insensitive). */
    public Optional<HeaderField> first(String name) {
        for (HeaderField field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads header fields up to and including the empty line that ends them. A message that
     * ends before the empty line has an empty body.
     *
     * @param in the message; must support single-byte reads efficiently (wrap it in a
     *     {@link java.io.BufferedInputStream}), and is not closed
     * @param maxBytes the maximum size of the header section
     * @throws InvalidMessageException on a bare CR or LF, a line that is neither a field nor a
     *     continuation, or a header section over {@code maxBytes}
     */
    public static HeaderSection read(InputStream in, int maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive; got " + maxBytes);
        }
        List<HeaderField> fields = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long total = 0;
        while (true) {
            line.reset();
            boolean complete = readLine(in, line);
            total += line.size();
            if (total > maxBytes) {
                throw new InvalidMessageException("header section larger than " + maxBytes + " bytes");
            }
            byte[] bytes = line.toByteArray();
            boolean blank = bytes.length == 0 || (bytes.length == 2 && complete);
            if (blank) {
                flush(current, fields);
                return new HeaderSection(fields);
            }
            if (bytes[0] == ' ' || bytes[0] == '\t') {
                if (current.size() == 0) {
                    throw new InvalidMessageException("header section starts with a continuation line");
                }
                current.writeBytes(bytes);
            } else {
                flush(current, fields);
                checkFieldName(bytes);
                current.writeBytes(bytes);
            }
            if (!complete) {
                // End of input inside the header section: no body follows.
                if (bytes[bytes.length - 1] != '\n') {
                    current.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                flush(current, fields);
                return new HeaderSection(fields);
            }
        }
    }

    /** Reads one line including its CRLF into {@code line}; returns false at end of input. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (previous == '\r') {
                    throw new InvalidMessageException("bare CR in the header section");
                }
                return false;
            }
            if (b == '\n' && previous != '\r') {
                throw new InvalidMessageException("bare LF in the header section; only CRLF ends a line");
            }
            if (previous == '\r' && b != '\n') {
                throw new InvalidMessageException("bare CR in the header section; only CRLF ends a line");
            }
            line.write(b);
            if (b == '\n') {
                return true;
            }
            previous = b;
        }
    }

    /** RFC 5322 section 3.6.8: a field name is printable US-ASCII except the colon. */
    private static void checkFieldName(byte[] line) throws InvalidMessageException {
        int colon = -1;
        for (int i = 0; i < line.length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
            if (line[i] < 33 || line[i] > 126) {
                break;
            }
        }
        if (colon <= 0) {
            throw new InvalidMessageException("header line without a valid field name");
        }
    }

    private static void flush(ByteArrayOutputStream current, List<HeaderField> fields) {
        if (current.size() == 0) {
            return;
        }
        byte[] raw = current.toByteArray();
        int colon = 0;
        while (raw[colon] != ':') {
            colon++;
        }
        fields.add(new HeaderField(new String(raw, 0, colon, StandardCharsets.US_ASCII), raw));
        current.reset();
    }
}
