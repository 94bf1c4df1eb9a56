package org.sealrelay.gateway.crypto;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A message of a chosen size produced on the fly, so a test can feed 50 MB without holding
 * it. The body is identical for the same size, and every 1000th line starts with a dot.
 */
public final class GeneratedMessage extends InputStream {
    static final byte[] HEADER = ("From: doctor@clinic.example\r\n"
            + "To: jane@lab.example\r\n"
            + "Subject: Large imaging report\r\n"
            + "Message-ID: <large@clinic.example>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private final long bodyBytes;
    private long position;
    private long lineNumber;
    private byte[] line = new byte[0];
    private int lineOffset;

    /** @param bodyBytes the body size, rounded up to a whole line */
    public GeneratedMessage(long bodyBytes, boolean withHeader) {
        this.bodyBytes = bodyBytes;
        if (withHeader) {
            line = HEADER;
        } else {
            nextLine();
        }
    }

    private void nextLine() {
        String prefix = lineNumber % 1000 == 0 ? "." : "";
        String text = prefix + String.format("%010d the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOP\r\n", lineNumber);
        lineNumber++;
        position += text.length();
        line = text.getBytes(StandardCharsets.US_ASCII);
        lineOffset = 0;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (lineOffset == line.length) {
            if (position >= bodyBytes) {
                return -1;
            }
            nextLine();
        }
        int count = Math.min(length, line.length - lineOffset);
        System.arraycopy(line, lineOffset, buffer, offset, count);
        lineOffset += count;
        return count;
    }
}
