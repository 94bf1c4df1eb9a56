package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams message content as BDAT commands (RFC 3030). Each chunk is the command line
 * {@code BDAT <size>} followed by exactly that many octets, and the final command is
 * {@code BDAT <size> LAST}. The octets go out as they are, without dot-stuffing, and a CRLF is
 * added when the content does not end with one, so the next hop receives the same octets as
 * over DATA.
 *
 * <p>At most {@code window} chunks are unacknowledged at a time: 1 without PIPELINING, so each
 * chunk waits for the reply to the one before, and unbounded with it. {@link #readChunk} returns
 * null while the window is full, and the session calls {@link #acknowledge} and
 * {@code ChunkedWriteHandler.resumeTransfer()} for each reply. {@code ChunkedWriteHandler} calls
 * {@link #readChunk} on the event loop, so a slow content stream stalls that loop.
 */
final class BdatContent implements ChunkedInput<ByteBuf> {
    /** Octets per chunk. Each chunk is held in memory once while it is written. */
    static final int CHUNK_SIZE = 64 * 1024;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final InputStream content;
    private final int window;
    private final byte[] readBuffer = new byte[CHUNK_SIZE];
    /** The octet read to learn whether the previous chunk was the last, or -1 for none. */
    private int lookAhead = -1;
    private byte secondToLast;
    private byte lastOctet;
    private boolean sawContent;
    private boolean lastChunkWritten;
    private boolean stopped;
    private int chunksWritten;
    private int chunksAcknowledged;
    private long progress;

    /**
     * Takes ownership of {@code content}, which {@link #close} closes.
     *
     * @param window chunks sent before a reply is needed, at least 1
     */
    BdatContent(InputStream content, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("invalid BDAT window " + window + ": expected at least 1");
        }
        this.content = content;
        this.window = window;
    }

    /** Counts one reply to a chunk, which frees one place in the window. */
    void acknowledge() {
        chunksAcknowledged++;
    }

    /** Ends the input before its last chunk, after the next hop rejected a chunk. */
    void stop() {
        stopped = true;
    }

    int chunksWritten() {
        return chunksWritten;
    }

    int chunksAcknowledged() {
        return chunksAcknowledged;
    }

    boolean lastChunkWritten() {
        return lastChunkWritten;
    }

    @Override
    public boolean isEndOfInput() {
        return lastChunkWritten || stopped;
    }

    @Override
    public void close() throws IOException {
        content.close();
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    /**
     * Returns the next chunk with its BDAT command line, owned by the caller, or null when the
     * window is full or the input has ended.
     */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (isEndOfInput() || chunksWritten - chunksAcknowledged >= window) {
            return null;
        }
        int count = 0;
        if (lookAhead >= 0) {
            readBuffer[0] = (byte) lookAhead;
            lookAhead = -1;
            count = 1;
        }
        count += content.readNBytes(readBuffer, count, CHUNK_SIZE - count);
        boolean last = count < CHUNK_SIZE;
        if (!last) {
            lookAhead = content.read();
            last = lookAhead < 0;
        }
        rememberEnd(count);

        boolean addCrlf = last && sawContent && !(secondToLast == CR && lastOctet == LF);
        int size = count + (addCrlf ? 2 : 0);
        String command = "BDAT " + size + (last ? " LAST" : "") + "\r\n";
        ByteBuf chunk = allocator.buffer(command.length() + size);
        chunk.writeCharSequence(command, StandardCharsets.US_ASCII);
        chunk.writeBytes(readBuffer, 0, count);
        if (addCrlf) {
            chunk.writeByte(CR).writeByte(LF);
        }
        chunksWritten++;
        lastChunkWritten = last;
        progress += count;
        return chunk;
    }

    private void rememberEnd(int count) {
        if (count == 0) {
            return;
        }
        sawContent = true;
        secondToLast = count >= 2 ? readBuffer[count - 2] : lastOctet;
        lastOctet = readBuffer[count - 1];
    }

    @Override
    public long length() {
        return -1;
    }

    /** Returns the number of content octets read so far. */
    @Override
    public long progress() {
        return progress;
    }
}
