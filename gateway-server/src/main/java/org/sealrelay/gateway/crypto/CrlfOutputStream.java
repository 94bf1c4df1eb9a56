package org.sealrelay.gateway.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns every LF that is not already preceded by CR into CRLF. Bouncy Castle's armor writer
 * ends lines with the platform line separator, but mail needs CRLF everywhere.
 */
public final class CrlfOutputStream extends FilterOutputStream {
    private int previous = -1;

    public CrlfOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && previous != '\r') {
            out.write('\r');
        }
        out.write(b);
        previous = b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int runStart = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n' && (i > offset ? bytes[i - 1] : previous) != '\r') {
                out.write(bytes, runStart, i - runStart);
                out.write('\r');
                runStart = i;
            }
        }
        out.write(bytes, runStart, end - runStart);
        if (length > 0) {
            previous = bytes[end - 1];
        }
    }

    /** Closes nothing: the underlying stream belongs to the caller. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
