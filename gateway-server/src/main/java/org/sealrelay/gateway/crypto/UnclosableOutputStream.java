package org.sealrelay.gateway.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes writes through but not close, so a library stream that closes its target when it is
 * closed (Bouncy Castle's armor and CMS writers) leaves the caller's stream open.
 */
public final class UnclosableOutputStream extends FilterOutputStream {
    public UnclosableOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
