package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffedContentTest {
    @Test
    void waitsForNonBlockingInputInsteadOfReading() throws IOException {
        StallingInput input = new StallingInput("a.b\r\n");
        int[] resumes = {0};
        DotStuffedContent content = new DotStuffedContent(input, () -> resumes[0]++);

        assertThat(content.readChunk(UnpooledByteBufAllocator.DEFAULT)).isNull();
        assertThat(content.isEndOfInput()).isFalse();
        assertThat(input.reads).isZero();
        assertThat(resumes[0]).isZero();

        input.release();
        assertThat(resumes[0]).isEqualTo(1);
        StringBuilder out = new StringBuilder();
        ByteBuf chunk;
        while ((chunk = content.readChunk(UnpooledByteBufAllocator.DEFAULT)) != null) {
            out.append(chunk.toString(StandardCharsets.US_ASCII));
            chunk.release();
        }
        assertThat(out.toString()).isEqualTo("a.b\r\n.\r\n");
    }

    /** Content that has nothing to read until {@link #release()}, then all of it. */
    private static final class StallingInput extends ByteArrayInputStream implements NonBlockingInput {
        private boolean released;
        private Runnable listener;
        int reads;

        StallingInput(String text) {
            super(text.getBytes(StandardCharsets.US_ASCII));
        }

        void release() {
            released = true;
            if (listener != null) {
                listener.run();
            }
        }

        @Override
        public synchronized int read(byte[] bytes, int offset, int length) {
            reads++;
            return super.read(bytes, offset, length);
        }

        @Override
        public int readableWithoutBlocking() {
            if (!released) {
                return 0;
            }
            return available() > 0 ? available() : -1;
        }

        @Override
        public void onReadable(Runnable callback) {
            listener = callback;
        }
    }

    @Test
    void stuffsLeadingDotsAndAddsTerminator() throws IOException {
        assertThat(stuff(".a\r\nb.c\r\n..\r\n.\r\n")).isEqualTo("..a\r\nb.c\r\n...\r\n..\r\n.\r\n");
    }

    @Test
    void addsCrlfWhenContentLacksOne() throws IOException {
        assertThat(stuff("no newline")).isEqualTo("no newline\r\n.\r\n");
    }

    @Test
    void emptyContentSendsOnlyTerminator() throws IOException {
        assertThat(stuff("")).isEqualTo(".\r\n");
    }

    @Test
    void dotAfterBareLfIsNotStuffed() throws IOException {
        assertThat(stuff("a\n.b\r\n")).isEqualTo("a\n.b\r\n.\r\n");
    }

    @Test
    void stuffsDotsAcrossReadBoundaries() throws IOException {
        // One octet per read puts every CRLF and every dot in a chunk of its own.
        String content = "x\r\n.y\r\n";
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(content.getBytes(StandardCharsets.US_ASCII))) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 1));
            }
        };

        assertThat(drain(new DotStuffedContent(trickle))).isEqualTo("x\r\n..y\r\n.\r\n");
    }

    @Test
    void closeClosesContentStream() throws IOException {
        boolean[] closed = {false};
        InputStream content = new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };

        new DotStuffedContent(content).close();

        assertThat(closed[0]).isTrue();
    }

    private static String stuff(String content) throws IOException {
        return drain(new DotStuffedContent(new ByteArrayInputStream(content.getBytes(StandardCharsets.US_ASCII))));
    }

    private static String drain(DotStuffedContent input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!input.isEndOfInput()) {
            ByteBuf chunk = input.readChunk(UnpooledByteBufAllocator.DEFAULT);
            try {
                byte[] bytes = new byte[chunk.readableBytes()];
                chunk.readBytes(bytes);
                out.write(bytes);
            } finally {
                chunk.release();
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
