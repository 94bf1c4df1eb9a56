package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sealrelay.gateway.config.SpoolConfig;

class FileSpoolContentTest {
    private static final int CHUNK = SealedFileFormat.CHUNK_OCTETS;
    private static final int SEALED_CHUNK = CHUNK + SealedFileFormat.TAG_OCTETS;
    private static final int HEADER = SealedFileFormat.HEADER_OCTETS;

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
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 1_000_003})
    void contentRoundTrip(int length) throws Exception {
        byte[] content = SpoolTestData.content(length, length);

        QueueId id = SpoolTestData.commit(spool, content, "rcpt@example.org");

        assertThat(SpoolTestData.readContent(spool, id)).isEqualTo(content);
        long chunks = Math.max(1, (length + CHUNK - 1) / CHUNK);
        assertThat(contentLength(contentFile(id))).isEqualTo(HEADER + length + chunks * SealedFileFormat.TAG_OCTETS);
    }

    @Test
    void writerSizeCountsPlaintextOctets() throws Exception {
        MessageWriter writer = spool.newMessage();
        writer.write(new byte[100], 10, 50);
        writer.write(new byte[CHUNK], 0, CHUNK);

        assertThat(writer.size()).isEqualTo(50 + CHUNK);
        writer.abort();
    }

    @Test
    void singleByteReadsMatchContent() throws Exception {
        byte[] content = SpoolTestData.content(CHUNK + 5, 7);
        QueueId id = SpoolTestData.commit(spool, content, "rcpt@example.org");

        try (InputStream in = spool.openContent(id)) {
            for (int i = 0; i < content.length; i++) {
                assertThat(in.read()).as("octet %d", i).isEqualTo(content[i] & 0xff);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void unknownIdIsNotFound() {
        assertThatThrownBy(() -> spool.openContent(QueueId.generate())).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void flippedByteFailsIntegrityCheck() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(3 * CHUNK, 1), "rcpt@example.org");
        flipByte(contentFile(id), HEADER + SEALED_CHUNK + 100);

        try (InputStream in = spool.openContent(id)) {
            byte[] firstChunk = in.readNBytes(CHUNK);
            assertThat(firstChunk).hasSize(CHUNK);
            assertThatThrownBy(in::read)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("content file of " + id + " failed its integrity check at chunk 1");
        }
    }

    @Test
    void flippedTagFailsIntegrityCheck() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(10, 1), "rcpt@example.org");
        flipByte(contentFile(id), contentLength(contentFile(id)) - 1);

        try (InputStream in = spool.openContent(id)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void flippedHeaderFailsIntegrityCheck() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(10, 1), "rcpt@example.org");
        flipByte(contentFile(id), 12);

        try (InputStream in = spool.openContent(id)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void truncationAtChunkBoundaryIsDetected() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(3 * CHUNK, 2), "rcpt@example.org");
        truncateContent(contentFile(id), HEADER + 2L * SEALED_CHUNK);

        try (InputStream in = spool.openContent(id)) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("failed its integrity check at chunk 1");
        }
    }

    @Test
    void truncationInsideChunkIsDetected() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(CHUNK + 100, 3), "rcpt@example.org");
        truncateContent(contentFile(id), HEADER + SEALED_CHUNK + 50);

        try (InputStream in = spool.openContent(id)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void truncationToHeaderIsDetected() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(100, 3), "rcpt@example.org");
        truncateContent(contentFile(id), HEADER);

        try (InputStream in = spool.openContent(id)) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("is truncated: chunk 0 has 0 octets");
        }
    }

    @Test
    void truncatedHeaderIsRejectedOnOpen() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(100, 3), "rcpt@example.org");
        truncate(contentFile(id), 10);

        assertThatThrownBy(() -> spool.openContent(id))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is truncated");
    }

    @Test
    void swappedContentFilesFailIntegrityCheck() throws Exception {
        byte[] first = SpoolTestData.content(500, 4);
        byte[] second = SpoolTestData.content(500, 5);
        QueueId firstId = SpoolTestData.commit(spool, first, "a@example.org");
        QueueId secondId = SpoolTestData.commit(spool, second, "b@example.org");
        Path swap = directory.resolve("swap");
        Files.move(contentFile(firstId), swap);
        Files.move(contentFile(secondId), contentFile(firstId));
        Files.move(swap, contentFile(secondId));

        for (QueueId id : new QueueId[] {firstId, secondId}) {
            try (InputStream in = spool.openContent(id)) {
                assertThatThrownBy(in::readAllBytes).as("content of %s", id).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void envelopeFileIsRejectedAsContent() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(100, 6), "rcpt@example.org");
        spool.update(SpoolTestData.envelope(id, "rcpt@example.org"));
        Path envelope = directory.resolve("spool/queue/" + id + ".env");
        Files.copy(envelope, contentFile(id), StandardCopyOption.REPLACE_EXISTING);

        try (InputStream in = spool.openContent(id)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    private Path contentFile(QueueId id) {
        return directory.resolve("spool/queue/" + id + ".msg");
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x01);
        }
    }

    @Test
    void truncatedTrailerIsRejectedOnOpen() throws Exception {
        QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(100, 3), "rcpt@example.org");
        truncate(contentFile(id), Files.size(contentFile(id)) - 1);

        assertThatThrownBy(() -> spool.openContent(id))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has no valid trailer");
    }

    /** Returns the length of the content stream, from the trailer of a message file. */
    private static long contentLength(Path file) throws IOException {
        byte[] octets = Files.readAllBytes(file);
        return java.nio.ByteBuffer.wrap(octets, octets.length - MessageFile.TRAILER_OCTETS, 8).getLong();
    }

    /**
     * Cuts the content stream to {@code length} octets and writes a trailer that agrees, as an
     * attacker who can rewrite the file would, so that only the chunk checks can notice.
     */
    private static void truncateContent(Path file, long length) throws IOException {
        byte[] octets = Files.readAllBytes(file);
        int contentEnd = (int) contentLength(file);
        java.io.ByteArrayOutputStream spliced = new java.io.ByteArrayOutputStream();
        spliced.write(octets, 0, (int) length);
        spliced.write(octets, contentEnd, octets.length - contentEnd - MessageFile.TRAILER_OCTETS);
        spliced.write(java.nio.ByteBuffer.allocate(8).putLong(length).array());
        spliced.write(octets, octets.length - 4, 4);
        Files.write(file, spliced.toByteArray());
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }
}
