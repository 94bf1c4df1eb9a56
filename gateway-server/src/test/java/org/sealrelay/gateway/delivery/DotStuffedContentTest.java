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
