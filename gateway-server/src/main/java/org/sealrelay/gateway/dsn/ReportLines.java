package org.sealrelay.gateway.dsn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes report lines to a stream, each ending in CRLF, and cleans text that came from outside. */
final class ReportLines {
    /** Room left in a 998-octet line (RFC 5322 section 2.1.1) for the field name in front of outside text. */
    static final int MAX_FIELD_TEXT = 900;

    private final OutputStream out;

    ReportLines(OutputStream out) {
        this.out = out;
    }

    void line(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    OutputStream stream() {
        return out;
    }

    /** Returns the text with control characters replaced by '?' and cut to {@link #MAX_FIELD_TEXT} characters. */
    static String printable(String text) {
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_FIELD_TEXT));
        for (int i = 0; i < text.length() && clean.length() < MAX_FIELD_TEXT; i++) {
            char c = text.charAt(i);
            clean.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return clean.toString();
    }
}
