package org.sealrelay.gateway.dsn;

import java.io.IOException;
import java.io.OutputStream;
import org.sealrelay.gateway.spool.MessageWriter;

/** Feeds a report into a spool message writer and notes whether any octet is above 127. */
final class SpoolOutputStream extends OutputStream {
    private final MessageWriter writer;
    private boolean eightBit;

    SpoolOutputStream(MessageWriter writer) {
        this.writer = writer;
    }

    /** Whether an octet above 127 was written, so the report needs BODY=8BITMIME. */
    boolean eightBit() {
        return eightBit;
    }

    @Override
    public void write(int octet) throws IOException {
        write(new byte[] {(byte) octet}, 0, 1);
    }

    @Override
    public void write(byte[] octets, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length && !eightBit; i++) {
            eightBit = octets[i] < 0;
        }
        writer.write(octets, offset, length);
    }

    /** Leaves the writer open: the caller commits or aborts it. */
    @Override
    public void close() {
    }
}
