package org.sealrelay.gateway.crypto.keys.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.DefaultFieldParser;
import org.sealrelay.gateway.crypto.HeaderField;
import org.sealrelay.gateway.crypto.HeaderSection;

/**
 * A MIME entity kept as its exact octets, because a signature covers the first part of a
 * {@code multipart/signed} byte for byte (RFC 1847 section 2.1). Header fields are read with
 * {@link HeaderSection}, so only CRLF ends a line.
 */
final class RawPart {
    private static final int MAX_HEADER_OCTETS = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] octets;
    private final HeaderSection header;
    private final int bodyStart;

    private RawPart(byte[] octets, HeaderSection header, int bodyStart) {
        this.octets = octets;
        this.header = header;
        this.bodyStart = bodyStart;
    }

    static RawPart parse(byte[] octets) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(octets);
        HeaderSection header = HeaderSection.read(in, MAX_HEADER_OCTETS);
        return new RawPart(octets, header, octets.length - in.available());
    }

    /** Returns the whole entity, header and body, as received. */
    byte[] octets() {
        return octets;
    }

    byte[] body() {
        return Arrays.copyOfRange(octets, bodyStart, octets.length);
    }

    Optional<String> field(String name) {
        return header.first(name).map(HeaderField::value);
    }

    /** Returns the parsed Content-Type, or text/plain when the field is missing (RFC 2045 section 5.2). */
    ContentTypeField contentType() throws IOException {
        String value = field("Content-Type").orElse("text/plain");
        try {
            return (ContentTypeField) DefaultFieldParser.parse("Content-Type: " + value);
        } catch (MimeException e) {
            throw new IOException("invalid Content-Type field: " + e.getMessage(), e);
        }
    }

    String mimeType() throws IOException {
        return contentType().getMimeType().toLowerCase(Locale.ROOT);
    }

    /**
     * Splits a multipart body into its parts (RFC 2046 section 5.1.1): each part lies between a
     * delimiter line and the CRLF that precedes the next one. The preamble and epilogue are
     * dropped.
     *
     * @throws IOException if the entity is not multipart or has no closing delimiter
     */
    List<RawPart> parts() throws IOException {
        String boundary = contentType().getBoundary();
        if (boundary == null || boundary.isEmpty()) {
            throw new IOException("multipart entity without a boundary parameter");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<RawPart> parts = new ArrayList<>();
        int position = findDelimiter(delimiter, bodyStart, true);
        while (position >= 0) {
            int afterDelimiter = position + delimiter.length;
            if (startsWith(afterDelimiter, new byte[] {'-', '-'})) {
                return parts;
            }
            int partStart = indexOf(CRLF, afterDelimiter);
            if (partStart < 0) {
                break;
            }
            partStart += CRLF.length;
            int next = findDelimiter(delimiter, partStart, false);
            if (next < 0) {
                break;
            }
            // The CRLF before the delimiter belongs to the delimiter, not to the part.
            int partEnd = next == partStart ? partStart : next - CRLF.length;
            parts.add(parse(Arrays.copyOfRange(octets, partStart, partEnd)));
            position = next;
        }
        throw new IOException("multipart entity without a closing delimiter");
    }

    /** Finds a delimiter at a line start: the body start (when allowed) or after a CRLF. */
    private int findDelimiter(byte[] delimiter, int from, boolean atFrom) {
        if (atFrom && startsWith(from, delimiter)) {
            return from;
        }
        byte[] withCrlf = new byte[delimiter.length + 2];
        withCrlf[0] = '\r';
        withCrlf[1] = '\n';
        System.arraycopy(delimiter, 0, withCrlf, 2, delimiter.length);
        int at = indexOf(withCrlf, Math.max(from - 2, bodyStart));
        return at < 0 ? -1 : at + 2;
    }

    private boolean startsWith(int at, byte[] prefix) {
        if (at + prefix.length > octets.length) {
            return false;
        }
        return Arrays.equals(octets, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private int indexOf(byte[] pattern, int from) {
        for (int i = from; i + pattern.length <= octets.length; i++) {
            if (startsWith(i, pattern)) {
                return i;
            }
        }
        return -1;
    }
}
