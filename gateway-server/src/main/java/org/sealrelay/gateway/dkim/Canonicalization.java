package org.sealrelay.gateway.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The two canonicalization algorithms of RFC 6376 section 3.4, for header fields and for the
 * body. Only CRLF ends a line: the header reader and {@link BodyCanonicalizer} reject a bare CR
 * or LF, so the signer and every verifier split lines in the same places.
 */
public enum Canonicalization {
    /** Section 3.4.1 and 3.4.3: header fields as they are, trailing empty body lines removed. */
    SIMPLE("simple"),
    /** Section 3.4.2 and 3.4.4: case, folding and runs of white space do not count. */
    RELAXED("relaxed");

    private final String tagValue;

    Canonicalization(String tagValue) {
        this.tagValue = tagValue;
    }

    /** Returns the name used in the {@code c=} tag. */
    public String tagValue() {
        return tagValue;
    }

    /** Returns the algorithm named {@code name} in a {@code c=} value. */
    public static Optional<Canonicalization> fromTagValue(String name) {
        for (Canonicalization canonicalization : values()) {
            if (canonicalization.tagValue.equals(name)) {
                return Optional.of(canonicalization);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns one header field in canonical form.
     *
     * @param raw the whole field as it appears in the message, with every CRLF including the last
     */
    byte[] header(byte[] raw) {
        if (this == SIMPLE) {
            return raw.clone();
        }
        return relaxedHeader(raw);
    }

    /** Returns a stream that canonicalizes the body written to it into {@code digest}. */
    BodyCanonicalizer body(MessageDigest digest) {
        return new BodyCanonicalizer(this, digest);
    }

    /**
     * Section 3.4.2: lower-case name, no folding, each run of WSP as one space, no WSP at the end
     * of the value or around the colon.
     */
    private static byte[] relaxedHeader(byte[] raw) {
        int colon = 0;
        while (colon < raw.length && raw[colon] != ':') {
            colon++;
        }
        if (colon == raw.length) {
            throw new IllegalArgumentException("header field without a colon");
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int nameEnd = colon;
        while (nameEnd > 0 && isWsp(raw[nameEnd - 1])) {
            nameEnd--;
        }
        for (int i = 0; i < nameEnd; i++) {
            byte b = raw[i];
            out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        }
        out.write(':');

        boolean pendingSpace = false;
        boolean valueStarted = false;
        for (int i = colon + 1; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '\r' || b == '\n') {
                // Unfolding removes the CRLF of each line; the WSP after it stays and is compressed.
                continue;
            }
            if (isWsp(b)) {
                pendingSpace = valueStarted;
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(b);
            valueStarted = true;
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    static boolean isWsp(byte b) {
        return b == ' ' || b == '\t';
    }
}
