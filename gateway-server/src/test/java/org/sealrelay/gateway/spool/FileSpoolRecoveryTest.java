package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.SpoolConfig;

class FileSpoolRecoveryTest {
    @TempDir
    Path directory;

    private FileSpool spool;

    @BeforeEach
    void openSpool() throws IOException {
        spool = FileSpool.open(config());
    }

    @AfterEach
    void closeSpool() throws IOException {
        spool.close();
    }

    @Test
    void recoverRemovesUncommittedWriterFiles() throws Exception {
        MessageWriter unfinished = spool.newMessage();
        unfinished.write(new byte[5000], 0, 5000);
        QueueId committed = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        spool.close();

        spool = FileSpool.open(config());
        List<Envelope> recovered = spool.recover();

        assertThat(recovered).extracting(Envelope::id).containsExactly(committed);
        assertThat(FileSpoolTest.filesUnder(queue().resolveSibling("incoming"))).isEmpty();
    }

    @Test
    void recoverRemovesContentWithoutEnvelope() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Files.delete(queue().resolve(id + ".env"));

        assertThat(spool.recover()).isEmpty();
        assertThat(FileSpoolTest.filesUnder(root())).isEmpty();
    }

    @Test
    void recoverRemovesContentOfRemovedMessage() throws Exception {
        // remove() does not fsync the content's deletion, so a crash may bring the file back.
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Path content = queue().resolve(id + ".msg");
        byte[] sealed = Files.readAllBytes(content);
        spool.remove(id);
        Files.write(content, sealed);
        spool.close();

        spool = FileSpool.open(config());

        assertThat(spool.recover()).isEmpty();
        assertThat(FileSpoolTest.filesUnder(root())).isEmpty();
    }

    @Test
    void recoverRemovesUnfinishedEnvelopeUpdate() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Files.write(queue().resolve(id + ".env.tmp"), new byte[] {1, 2, 3});

        assertThat(spool.recover()).extracting(Envelope::id).containsExactly(id);
        assertThat(queue().resolve(id + ".env.tmp")).doesNotExist();
    }

    @Test
    void recoverReturnsMessagesInQueueIdOrder() throws Exception {
        QueueId first = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Thread.sleep(2);
        QueueId second = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        Thread.sleep(2);
        QueueId third = SpoolTestData.commit(spool, new byte[] {3}, "c@example.org");

        assertThat(spool.recover()).extracting(Envelope::id).containsExactly(first, second, third);
    }

    @Test
    void corruptEnvelopeIsMovedAsideAndOthersRecover() throws Exception {
        QueueId good = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        QueueId bad = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        flipLastByte(queue().resolve(bad + ".env"));

        List<Envelope> recovered = spool.recover();

        assertThat(recovered).extracting(Envelope::id).containsExactly(good);
        assertThat(root().resolve("corrupt/" + bad + ".env")).exists();
        assertThat(root().resolve("corrupt/" + bad + ".msg")).exists();
        assertThat(queue().resolve(bad + ".env")).doesNotExist();
        assertThat(queue().resolve(bad + ".msg")).doesNotExist();
    }

    @Test
    void swappedEnvelopesAreMovedAside() throws Exception {
        QueueId first = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        QueueId second = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        Path swap = directory.resolve("swap");
        Files.move(queue().resolve(first + ".env"), swap);
        Files.move(queue().resolve(second + ".env"), queue().resolve(first + ".env"));
        Files.move(swap, queue().resolve(second + ".env"));

        assertThat(spool.recover()).isEmpty();
        assertThat(FileSpoolTest.filesUnder(root().resolve("corrupt"))).hasSize(4);
    }

    @Test
    void envelopeWithoutContentIsMovedAside() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Files.delete(queue().resolve(id + ".msg"));

        assertThat(spool.recover()).isEmpty();
        assertThat(root().resolve("corrupt/" + id + ".env")).exists();
    }

    @Test
    void secondQuarantineOfSameIdKeepsBothCopies() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Path envelope = queue().resolve(id + ".env");
        Path content = queue().resolve(id + ".msg");
        byte[] envelopeOctets = Files.readAllBytes(envelope);
        byte[] contentOctets = Files.readAllBytes(content);
        flipLastByte(envelope);
        spool.recover();
        Files.write(envelope, envelopeOctets);
        Files.write(content, contentOctets);
        flipLastByte(envelope);

        spool.recover();

        assertThat(root().resolve("corrupt/" + id + ".env")).exists();
        assertThat(root().resolve("corrupt/" + id + ".env.1")).exists();
    }

    private SpoolConfig config() {
        return new SpoolConfig(root(), directory.resolve("spool.keys"));
    }

    private Path root() {
        return directory.resolve("spool");
    }

    private Path queue() {
        return root().resolve("queue");
    }

    private static void flipLastByte(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long position = raf.length() - 1;
            raf.seek(position);
            int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x01);
        }
    }
}
