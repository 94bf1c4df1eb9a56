package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.SpoolConfig;

class SpareFilesTest {
    private static final String RECIPIENT = "jane.patient@clinic.example";
    /** Where the salt lies in a sealed stream's header (see {@link SealedFileFormat}). */
    private static final int SALT_START = 9;
    private static final int SALT_END = 25;

    @TempDir
    Path directory;

    @Test
    void finishedFileReusedAndTruncated() throws Exception {
        byte[] longContent = SpoolTestData.content(70_000, 1);
        byte[] shortContent = SpoolTestData.content(9_000, 2);
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId first = SpoolTestData.commit(spool, longContent, RECIPIENT);
            Object inode = inodeOf(queued(first));

            spool.removeFinished(first);

            assertThat(queued(first)).doesNotExist();
            List<Path> spares = files(spoolRoot().resolve("spare"));
            assertThat(spares).hasSize(1);
            assertThat(inodeOf(spares.get(0))).isEqualTo(inode);
            assertThat(SpareFiles.isRetired(spares.get(0))).as("header zeroed").isTrue();
            assertThatThrownBy(() -> spool.openContent(first)).isInstanceOf(NoSuchFileException.class);

            QueueId second = SpoolTestData.commit(spool, shortContent, RECIPIENT);

            assertThat(files(spoolRoot().resolve("spare"))).isEmpty();
            assertThat(inodeOf(queued(second))).isEqualTo(inode);
            assertThat(Files.size(queued(second))).isLessThan(20_000);
            assertThat(SpoolTestData.readContent(spool, second)).isEqualTo(shortContent);
        }
        try (FileSpool spool = FileSpool.open(config())) {
            List<Envelope> recovered = spool.recover();

            assertThat(recovered).extracting(Envelope::recipients).hasSize(1);
            assertThat(SpoolTestData.readContent(spool, recovered.get(0).id())).isEqualTo(shortContent);
        }
    }

    @Test
    void spareFileEnvelopeCannotBeRead() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(5_000, 3), RECIPIENT);
            byte[] committed = Files.readAllBytes(queued(id));
            long envelopeStart = envelopeStart(queued(id));
            assertThat(envelopeStart).as("committed file has an envelope").isPositive();

            spool.removeFinished(id);

            Path spare = files(spoolRoot().resolve("spare")).get(0);
            byte[] retired = Files.readAllBytes(spare);
            int header = SealedFileFormat.HEADER_OCTETS;
            int trailer = MessageFile.TRAILER_OCTETS;
            assertThat(Arrays.copyOfRange(retired, 0, header)).as("content header").containsOnly(0);
            assertThat(Arrays.copyOfRange(retired, (int) envelopeStart, (int) envelopeStart + header))
                    .as("envelope header").containsOnly(0);
            assertThat(Arrays.copyOfRange(retired, retired.length - trailer, retired.length)).as("trailer")
                    .containsOnly(0);

            // Someone with the spool key who puts back every zeroed octet except the random
            // salts (header octets 9 to 24) still cannot read the envelope, which names the recipient.
            byte[] restored = retired.clone();
            restoreAllButSalt(restored, committed, 0);
            restoreAllButSalt(restored, committed, (int) envelopeStart);
            System.arraycopy(committed, committed.length - trailer, restored, restored.length - trailer, trailer);
            Path probe = Files.write(directory.resolve("probe.msg"), restored);
            SpoolKeys keys = SpoolKeys.load(directory.resolve("etc/spool.keys"));
            assertThatThrownBy(() -> MessageFile.readEmbeddedEnvelope(probe, id, keys)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void staleReaderOfReusedFileGetsAnError() throws Exception {
        byte[] first = SpoolTestData.content(300_000, 9);
        byte[] second = SpoolTestData.content(300_000, 10);
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId firstId = SpoolTestData.commit(spool, first, RECIPIENT);
            try (InputStream stale = spool.openContent(firstId)) {
                assertThat(stale.readNBytes(1000)).isEqualTo(java.util.Arrays.copyOf(first, 1000));

                spool.removeFinished(firstId);
                QueueId secondId = SpoolTestData.commit(spool, second, RECIPIENT);

                assertThat(files(spoolRoot().resolve("spare"))).as("the file was reused").isEmpty();
                assertThat(SpoolTestData.readContent(spool, secondId)).isEqualTo(second);
                assertThatThrownBy(stale::readAllBytes).isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void removeOfAQueuedMessageDeletesItsFile() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId id = SpoolTestData.commit(spool, SpoolTestData.content(5_000, 3), RECIPIENT);

            spool.remove(id);

            assertThat(queued(id)).doesNotExist();
            assertThat(files(spoolRoot().resolve("spare"))).isEmpty();
        }
    }

    @Test
    void largeMessageFileIsDeletedNotKept() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId id = SpoolTestData.commit(spool, SpoolTestData.content((int) SpareFiles.MAX_FILE_OCTETS + 1, 4),
                    RECIPIENT);

            spool.removeFinished(id);

            assertThat(queued(id)).doesNotExist();
            assertThat(files(spoolRoot().resolve("spare"))).isEmpty();
        }
    }

    @Test
    void recoveryDeletesSpareAndRetiredFiles() throws Exception {
        QueueId retired;
        QueueId retiredWithEnvelopeFile;
        QueueId trailerZeroed;
        QueueId envelopeHeaderZeroed;
        QueueId kept;
        try (FileSpool spool = FileSpool.open(config())) {
            retired = SpoolTestData.commit(spool, SpoolTestData.content(3_000, 5), RECIPIENT);
            trailerZeroed = SpoolTestData.commit(spool, SpoolTestData.content(3_000, 9), RECIPIENT);
            envelopeHeaderZeroed = SpoolTestData.commit(spool, SpoolTestData.content(3_000, 10), RECIPIENT);
            retiredWithEnvelopeFile = SpoolTestData.commit(spool, SpoolTestData.content(3_000, 6), RECIPIENT);
            kept = SpoolTestData.commit(spool, SpoolTestData.content(3_000, 7), RECIPIENT);
            Envelope envelope = SpoolTestData.envelope(retiredWithEnvelopeFile, RECIPIENT);
            spool.update(envelope.withRecipient(
                    envelope.recipients().get(0).afterAttempt(RecipientStatus.PENDING, "451 4.4.1 no answer")));
            QueueId finished = SpoolTestData.commit(spool, SpoolTestData.content(3_000, 8), RECIPIENT);
            spool.removeFinished(finished);
        }
        // A crash after some of the zeroing but before the rename reached the disk. Without an
        // fsync, any one of the three writes may be the one that survived.
        zeroHeader(queued(retired));
        zeroHeader(queued(retiredWithEnvelopeFile));
        Path trailerFile = queued(trailerZeroed);
        zero(trailerFile, Files.size(trailerFile) - MessageFile.TRAILER_OCTETS, MessageFile.TRAILER_OCTETS);
        Path envelopeFile = queued(envelopeHeaderZeroed);
        zero(envelopeFile, envelopeStart(envelopeFile), SealedFileFormat.HEADER_OCTETS);

        try (FileSpool spool = FileSpool.open(config())) {
            assertThat(spool.recover()).extracting(Envelope::id).containsExactly(kept);
        }
        assertThat(files(spoolRoot().resolve("spare"))).isEmpty();
        assertThat(files(spoolRoot().resolve("corrupt"))).isEmpty();
        assertThat(files(spoolRoot().resolve("queue"))).containsExactly(queued(kept));
    }

    @Test
    void atMostMaxFilesAreKept() throws Exception {
        Path queue = Files.createDirectories(directory.resolve("queue"));
        int maxFiles = 8;
        SpareFiles spares = new SpareFiles(Files.createDirectories(directory.resolve("spare")), maxFiles, 1 << 20);
        int retiredCount = 0;
        for (int i = 0; i <= maxFiles; i++) {
            Path file = Files.write(queue.resolve(i + ".msg"), new byte[100]);
            if (spares.retire(file)) {
                retiredCount++;
            }
        }

        assertThat(retiredCount).isEqualTo(maxFiles);
        assertThat(files(queue)).hasSize(1);
        assertThat(spares.retire(queue.resolve("missing.msg"))).isFalse();

        try (FileChannel reused = spares.take(queue.resolve("reused.msg"))) {
            assertThat(reused).isNotNull();
        }
        assertThat(spares.size()).isEqualTo(maxFiles - 1);
        assertThat(spares.retire(files(queue).get(0))).isTrue();
    }

    @Test
    void totalSizeOfSparesIsBounded() throws Exception {
        Path queue = Files.createDirectories(directory.resolve("queue"));
        SpareFiles spares = new SpareFiles(Files.createDirectories(directory.resolve("spare")), 100, 350);
        for (int i = 0; i < 3; i++) {
            assertThat(spares.retire(Files.write(queue.resolve(i + ".msg"), new byte[100]))).as("file %d", i).isTrue();
        }

        byte[] content = new byte[100];
        Arrays.fill(content, (byte) 7);
        Path fourth = Files.write(queue.resolve("3.msg"), content);
        assertThat(spares.retire(fourth)).as("a fourth file exceeds 350 octets").isFalse();
        assertThat(Files.readAllBytes(fourth)).as("a file kept out of the pool is left intact").isEqualTo(content);

        try (FileChannel reused = spares.take(queue.resolve("reused.msg"))) {
            assertThat(reused).isNotNull();
        }
        assertThat(spares.retire(fourth)).as("taking a spare frees its octets").isTrue();
        assertThat(spares.size()).isEqualTo(3);
    }

    /** Copies the header at {@code start} from {@code original}, except its salt. */
    private static void restoreAllButSalt(byte[] target, byte[] original, int start) {
        for (int i = 0; i < SealedFileFormat.HEADER_OCTETS; i++) {
            if (i < SALT_START || i >= SALT_END) {
                target[start + i] = original[start + i];
            }
        }
    }

    private static void zeroHeader(Path file) throws IOException {
        zero(file, 0, SealedFileFormat.HEADER_OCTETS);
    }

    private static void zero(Path file, long position, int octets) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(octets), position);
        }
    }

    private static long envelopeStart(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return MessageFile.envelopeStart(channel);
        }
    }

    private static Object inodeOf(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.sorted().toList();
        }
    }

    private Path queued(QueueId id) {
        return spoolRoot().resolve("queue").resolve(SpoolDirectories.contentName(id));
    }

    private SpoolConfig config() {
        return new SpoolConfig(spoolRoot(), directory.resolve("etc/spool.keys"));
    }

    private Path spoolRoot() {
        return directory.resolve("spool");
    }
}
