package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.SpoolConfig;

class MessageReadBackTest {
    private static final int CHUNK = SealedFileFormat.CHUNK_OCTETS;

    @TempDir
    Path directory;

    private FileSpool spool;

    @BeforeEach
    void openSpool() throws IOException {
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
    }

    @AfterEach
    void closeSpool() throws IOException {
        spool.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17})
    void readBackReturnsWrittenOctets(int length) throws Exception {
        byte[] content = SpoolTestData.content(length, length);
        MessageWriter writer = spool.newMessage();
        writer.write(content, 0, content.length);

        byte[] readBack;
        try (InputStream in = writer.openWritten()) {
            readBack = in.readAllBytes();
        }

        assertThat(readBack).isEqualTo(content);
        writer.abort();
    }

    @Test
    void readBackLeavesWriterUsable() throws Exception {
        byte[] first = SpoolTestData.content(CHUNK + 5, 1);
        byte[] second = SpoolTestData.content(10, 2);
        MessageWriter writer = spool.newMessage();
        writer.write(first, 0, first.length);
        try (InputStream in = writer.openWritten()) {
            assertThat(in.readAllBytes()).isEqualTo(first);
        }

        writer.write(second, 0, second.length);
        QueueId id = writer.id();
        writer.commit(SpoolTestData.envelope(id, "rcpt@example.org")).get(10, java.util.concurrent.TimeUnit.SECONDS);

        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(SpoolTestData.readContent(spool, id)).isEqualTo(expected);
    }

    @Test
    void readBackAfterAbortIsRejected() throws Exception {
        MessageWriter writer = spool.newMessage();
        writer.abort();

        assertThatThrownBy(writer::openWritten)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("message " + writer.id() + " is ABORTED; read-back is not allowed");
    }
}
