package org.sealrelay.gateway.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the header section of a spooled message, for the text/rfc822-headers part of a
 * notification. The body is never read, because it may carry protected health information and
 * the notification leaves the gateway.
 */
final class OriginalHeaders {
    /** Upper bound on the header section copied into a notification; longer headers are cut at a line end. */
    static final int MAX_OCTETS = 64 * 1024;

    private OriginalHeaders() {
    }

    /**
     * Returns the header lines up to, not including, the empty line that ends them. Each line ends
     * in CRLF. When the header section passes {@link #MAX_OCTETS}, the lines before the limit are
     * returned, with any folded continuation lines of the last field dropped with it.
     */
    static byte[] read(InputStream content) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream(4096);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int previous = -1;
        int lastFieldStart = 0;
        while (true) {
            int octet = content.read();
            if (octet < 0) {
                break;
            }
            line.write(octet);
            if (previous == '\r' && octet == '\n') {
                if (line.size() == 2) {
                    break;
                }
                byte first = line.toByteArray()[0];
                boolean continuation = first == ' ' || first == '\t';
                if (headers.size() + line.size() > MAX_OCTETS) {
                    return continuation ? Arrays.copyOf(headers.toByteArray(), lastFieldStart) : headers.toByteArray();
                }
                if (!continuation) {
                    lastFieldStart = headers.size();
                }
                line.writeTo(headers);
                line.reset();
            }
            previous = octet;
        }
        return headers.toByteArray();
    }
}
