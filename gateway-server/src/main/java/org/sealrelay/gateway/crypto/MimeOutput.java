package org.sealrelay.gateway.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Small helpers for writing MIME structure with CRLF line ends. */
public final class MimeOutput {
    private static final SecureRandom RANDOM = new SecureRandom();

    private MimeOutput() {
    }

    /**
     * Returns a fresh multipart boundary. The base64 alphabet has no '-' or '_', and the only
     * armor lines that start with '-' are the BEGIN and END lines, so no line of encoded
     * content can start with "--=_sealrelay_".
     */
    public static String newBoundary() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return "=_sealrelay_" + HexFormat.of().formatHex(bytes);
    }

    /** Writes US-ASCII text followed by CRLF. */
    public static void line(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
    }

    /** Writes the outer header fields, then MIME-Version; the caller adds Content-Type. */
    public static void writeOuterHeader(OutputStream out, HeaderProtection protection) throws IOException {
        for (HeaderField field : protection.outerFields()) {
            out.write(field.raw());
        }
        line(out, "MIME-Version: 1.0");
    }
}
