package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.io.InputStream;

/**
 * Streams message content as the body of a DATA command: a line that starts with '.' gets a
 * second '.' (RFC 5321 section 4.5.2), a CRLF is added when the content does not end with one,
 * and the final {@code .CRLF} follows. Content is read in chunks, so a message is never held
 * whole on the heap.
 *
 * <p>Only CRLF ends a line here, matching how the gateway accepts mail; a '.' after a bare LF is
 * not stuffed. {@code ChunkedWriteHandler} calls {@link #readChunk} on the event loop. Content
 * that is a {@link NonBlockingInput} is read only when a read would not wait: otherwise
 * {@link #readChunk} returns null, which suspends the transfer, and {@code resume} continues it
 * once data arrives. Other content is read from the spool, where a read waits only for the disk.
 */
final class DotStuffedContent implements ChunkedInput<ByteBuf> {
    private static final int CHUNK_SIZE = 8192;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    private final InputStream content;
    private final Runnable resume;
    private final byte[] readBuffer = new byte[CHUNK_SIZE];
    private boolean atLineStart = true;
    private byte previous;
    private boolean sawContent;
    private boolean contentEnded;
    private boolean terminatorWritten;
    private long progress;

    /** Takes ownership of {@code content}, which {@link #close} closes. */
    DotStuffedContent(InputStream content) {
        this(content, () -> { });
    }

    /**
     * Takes ownership of {@code content}, which {@link #close} closes.
     *
     * @param resume continues the suspended transfer, such as
     *     {@code ChunkedWriteHandler::resumeTransfer}; may be called on any thread
     */
    DotStuffedContent(InputStream content, Runnable resume) {
        this.content = content;
        this.resume = resume;
    }

    @Override
    public boolean isEndOfInput() {
        return terminatorWritten;
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
     * Returns the next stuffed chunk, owned by the caller, or null at the end of input or while
     * a {@link NonBlockingInput} has nothing to read.
     */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (terminatorWritten) {
            return null;
        }
        if (!contentEnded && content instanceof NonBlockingInput input && input.readableWithoutBlocking() == 0) {
            input.onReadable(resume);
            return null;
        }
        if (!contentEnded) {
            int count = content.read(readBuffer);
            if (count > 0) {
                return stuff(allocator, count);
            }
            if (count < 0) {
                contentEnded = true;
            } else {
                // A zero-length read is legal for InputStream; ChunkedWriteHandler retries later.
                return allocator.buffer(0);
            }
        }
        return terminator(allocator);
    }

    private ByteBuf stuff(ByteBufAllocator allocator, int count) {
        // Most chunks need no extra dot; the buffer grows when some do.
        ByteBuf chunk = allocator.buffer(count + 64);
        int runStart = 0;
        for (int i = 0; i < count; i++) {
            byte b = readBuffer[i];
            if (atLineStart && b == DOT) {
                // Copy the run before the line's leading dot, then the stuffed dot; the dot
                // itself starts the next run.
                chunk.writeBytes(readBuffer, runStart, i - runStart);
                chunk.writeByte(DOT);
                runStart = i;
            }
            atLineStart = previous == CR && b == LF;
            previous = b;
        }
        chunk.writeBytes(readBuffer, runStart, count - runStart);
        sawContent = true;
        progress += count;
        return chunk;
    }

    private ByteBuf terminator(ByteBufAllocator allocator) {
        terminatorWritten = true;
        ByteBuf chunk = allocator.buffer(5);
        if (sawContent && !atLineStart) {
            chunk.writeByte(CR).writeByte(LF);
        }
        chunk.writeByte(DOT).writeByte(CR).writeByte(LF);
        return chunk;
    }

    @Override
    public long length() {
        return -1;
    }

    /** Returns the number of content octets read so far, before stuffing. */
    @Override
    public long progress() {
        return progress;
    }
}
