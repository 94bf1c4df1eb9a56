package org.sealrelay.gateway.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the octets read through it, so that attachment sizes are known after a bounded read. */
final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int value = super.read();
        if (value >= 0) {
            count++;
        }
        return value;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int read = super.read(bytes, offset, length);
        if (read > 0) {
            count += read;
        }
        return read;
    }

    @Override
    public long skip(long octets) throws IOException {
        long skipped = super.skip(octets);
        count += skipped;
        return skipped;
    }

    /** Reads to the end of the stream, counting what was left. */
    void skipRest() throws IOException {
        byte[] buffer = new byte[8192];
        while (read(buffer, 0, buffer.length) >= 0) {
            // Counting happens in read.
        }
    }

    long count() {
        return count;
    }
}
