package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BdatContentTest {
    private static final UnpooledByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void smallContentIsOneLastChunk() throws IOException {
        BdatContent bdat = new BdatContent(stream("Subject: a\r\n\r\n.dot\r\n"), 1);

        assertThat(read(bdat)).isEqualTo("BDAT 20 LAST\r\nSubject: a\r\n\r\n.dot\r\n");
        assertThat(bdat.isEndOfInput()).isTrue();
        assertThat(bdat.chunksWritten()).isEqualTo(1);
    }

    @Test
    void missingFinalCrlfIsAdded() throws IOException {
        BdatContent bdat = new BdatContent(stream("no newline"), 1);

        assertThat(read(bdat)).isEqualTo("BDAT 12 LAST\r\nno newline\r\n");
    }

    @Test
    void emptyContentSendsEmptyLastChunk() throws IOException {
        BdatContent bdat = new BdatContent(stream(""), 1);

        assertThat(read(bdat)).isEqualTo("BDAT 0 LAST\r\n");
    }

    @Test
    void exactMultipleEndsWithFullLastChunk() throws IOException {
        String content = "x".repeat(BdatContent.CHUNK_SIZE * 2 - 2) + "\r\n";
        BdatContent bdat = new BdatContent(stream(content), Integer.MAX_VALUE);

        List<String> commands = new ArrayList<>();
        StringBuilder octets = new StringBuilder();
        String chunk;
        while ((chunk = read(bdat)) != null) {
            int end = chunk.indexOf("\r\n");
            commands.add(chunk.substring(0, end));
            octets.append(chunk.substring(end + 2));
        }

        assertThat(commands).containsExactly("BDAT 65536", "BDAT 65536 LAST");
        assertThat(octets.toString()).isEqualTo(content);
    }

    @Test
    void windowWaitsForAcknowledgement() throws IOException {
        String content = "y".repeat(BdatContent.CHUNK_SIZE + 10);
        BdatContent bdat = new BdatContent(stream(content), 1);

        assertThat(read(bdat)).startsWith("BDAT 65536\r\nyyy");
        assertThat(read(bdat)).isNull();
        assertThat(bdat.isEndOfInput()).isFalse();

        bdat.acknowledge();

        assertThat(read(bdat)).isEqualTo("BDAT 12 LAST\r\nyyyyyyyyyy\r\n");
        assertThat(bdat.isEndOfInput()).isTrue();
    }

    @Test
    void stopEndsInputEarly() throws IOException {
        BdatContent bdat = new BdatContent(stream("z".repeat(BdatContent.CHUNK_SIZE * 3)), Integer.MAX_VALUE);
        read(bdat);

        bdat.stop();

        assertThat(bdat.isEndOfInput()).isTrue();
        assertThat(read(bdat)).isNull();
        assertThat(bdat.lastChunkWritten()).isFalse();
    }

    private static ByteArrayInputStream stream(String content) {
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(BdatContent bdat) throws IOException {
        ByteBuf chunk = bdat.readChunk(ALLOCATOR);
        if (chunk == null) {
            return null;
        }
        try {
            return chunk.toString(StandardCharsets.US_ASCII);
        } finally {
            chunk.release();
        }
    }
}
