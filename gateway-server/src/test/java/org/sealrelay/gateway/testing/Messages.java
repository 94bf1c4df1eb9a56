package org.sealrelay.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Helpers for comparing relayed messages with what was sent. */
public final class Messages {
    private Messages() {
    }

    /**
     * Returns the message without its first header field when that field is a Received header,
     * with its folded continuation lines.
     */
    public static byte[] withoutFirstReceived(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("Received:")) {
            throw new AssertionError("message does not start with a Received header: "
                    + text.substring(0, Math.min(80, text.length())));
        }
        int position = 0;
        while (true) {
            int lineEnd = text.indexOf("\r\n", position);
            if (lineEnd < 0) {
                throw new AssertionError("Received header does not end");
            }
            position = lineEnd + 2;
            if (position >= text.length() || (text.charAt(position) != ' ' && text.charAt(position) != '\t')) {
                return Arrays.copyOfRange(message, position, message.length);
            }
        }
    }

    /** Returns the first Received header with its continuation lines, unfolded into one line. */
    public static String firstReceived(byte[] message) {
        byte[] rest = withoutFirstReceived(message);
        String header = new String(message, 0, message.length - rest.length, StandardCharsets.ISO_8859_1);
        return header.replace("\r\n\t", " ").replace("\r\n", "");
    }
}
