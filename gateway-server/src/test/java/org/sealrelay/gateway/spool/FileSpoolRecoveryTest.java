package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void recoverReadsEnvelopeEmbeddedInMessageFile() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        assertThat(queue().resolve(id + ".env")).doesNotExist();
        spool.close();

        spool = FileSpool.open(config());

        assertThat(spool.recover()).containsExactly(SpoolTestData.envelope(id, "a@example.org"));
    }

    @Test
    void envelopeFileTakesPrecedenceOverEmbeddedEnvelope() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        spool.update(SpoolTestData.envelope(id, "a@example.org").withHeld(true));
        spool.close();

        spool = FileSpool.open(config());

        assertThat(spool.recover()).singleElement().satisfies(envelope -> assertThat(envelope.held()).isTrue());
        assertThat(SpoolTestData.readContent(spool, id)).containsExactly(1);
    }

    @Test
    void recoverRemovesContentOfOlderLayoutWithoutEnvelope() throws Exception {
        // In the two-file layout, content without an envelope file was never acknowledged.
        QueueId id = QueueId.generate();
        SpoolKeys keys = SpoolKeys.loadOrCreate(config().keyFile());
        try (ChunkedCipherOutputStream out = new ChunkedCipherOutputStream(
                Files.newOutputStream(queue().resolve(id + ".msg")), keys.current(), FileRole.CONTENT, id)) {
            out.write(new byte[] {1, 2, 3});
        }

        assertThat(spool.recover()).isEmpty();
        assertThat(FileSpoolTest.filesUnder(root())).isEmpty();
    }

    @Test
    void recoverDeliversAgainWhenCrashUndidRemoval() throws Exception {
        // remove() is not fsynced, so a crash may bring the message file back: a duplicate, not a loss.
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Path message = queue().resolve(id + ".msg");
        byte[] sealed = Files.readAllBytes(message);
        spool.remove(id);
        assertThat(FileSpoolTest.filesUnder(root())).isEmpty();
        Files.write(message, sealed);
        spool.close();

        spool = FileSpool.open(config());

        assertThat(spool.recover()).extracting(Envelope::id).containsExactly(id);
    }

    @Test
    void recoverRemovesEnvelopeFileOfInterruptedRemoval() throws Exception {
        // remove() deletes the message file first; a crash before the envelope file leaves this.
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        spool.update(SpoolTestData.envelope(id, "a@example.org").withHeld(true));
        Files.delete(queue().resolve(id + ".msg"));

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
    void corruptEmbeddedEnvelopeIsMovedAsideAndOthersRecover() throws Exception {
        QueueId good = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        QueueId bad = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        flipByteBeforeTrailer(queue().resolve(bad + ".msg"));

        List<Envelope> recovered = spool.recover();

        assertThat(recovered).extracting(Envelope::id).containsExactly(good);
        assertThat(root().resolve("corrupt/" + bad + ".msg")).exists();
        assertThat(queue().resolve(bad + ".msg")).doesNotExist();
    }

    @Test
    void damagedTrailerIsMovedAside() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        flipLastByte(queue().resolve(id + ".msg"));

        assertThat(spool.recover()).isEmpty();
        assertThat(root().resolve("corrupt/" + id + ".msg")).exists();
    }

    @Test
    void damagedContentHeaderIsKeptNotDeleted() throws Exception {
        // Recovery checks envelopes only; a committed file must never be taken for an unfinished one.
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        try (RandomAccessFile raf = new RandomAccessFile(queue().resolve(id + ".msg").toFile(), "rw")) {
            raf.write('X');
        }

        assertThat(spool.recover()).extracting(Envelope::id).containsExactly(id);
        assertThatThrownBy(() -> SpoolTestData.readContent(spool, id)).isInstanceOf(IOException.class);
    }

    @Test
    void corruptEnvelopeFileIsMovedAsideWithItsMessage() throws Exception {
        QueueId good = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        QueueId bad = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        spool.update(SpoolTestData.envelope(bad, "b@example.org").withHeld(true));
        flipLastByte(queue().resolve(bad + ".env"));

        List<Envelope> recovered = spool.recover();

        assertThat(recovered).extracting(Envelope::id).containsExactly(good);
        assertThat(root().resolve("corrupt/" + bad + ".env")).exists();
        assertThat(root().resolve("corrupt/" + bad + ".msg")).exists();
        assertThat(queue().resolve(bad + ".env")).doesNotExist();
        assertThat(queue().resolve(bad + ".msg")).doesNotExist();
    }

    @Test
    void swappedMessageFilesAreMovedAside() throws Exception {
        QueueId first = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        QueueId second = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        swap(queue().resolve(first + ".msg"), queue().resolve(second + ".msg"));

        assertThat(spool.recover()).isEmpty();
        assertThat(FileSpoolTest.filesUnder(root().resolve("corrupt"))).hasSize(2);
    }

    @Test
    void swappedEnvelopeFilesAreMovedAside() throws Exception {
        QueueId first = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        QueueId second = SpoolTestData.commit(spool, new byte[] {2}, "b@example.org");
        spool.update(SpoolTestData.envelope(first, "a@example.org").withHeld(true));
        spool.update(SpoolTestData.envelope(second, "b@example.org").withHeld(true));
        swap(queue().resolve(first + ".env"), queue().resolve(second + ".env"));

        assertThat(spool.recover()).isEmpty();
        assertThat(FileSpoolTest.filesUnder(root().resolve("corrupt"))).hasSize(4);
    }

    @Test
    void secondQuarantineOfSameIdKeepsBothCopies() throws Exception {
        QueueId id = SpoolTestData.commit(spool, new byte[] {1}, "a@example.org");
        Path message = queue().resolve(id + ".msg");
        byte[] messageOctets = Files.readAllBytes(message);
        flipByteBeforeTrailer(message);
        spool.recover();
        Files.write(message, messageOctets);
        flipByteBeforeTrailer(message);

        spool.recover();

        assertThat(root().resolve("corrupt/" + id + ".msg")).exists();
        assertThat(root().resolve("corrupt/" + id + ".msg.1")).exists();
    }

    private void swap(Path a, Path b) throws IOException {
        Path temporary = directory.resolve("swap");
        Files.move(a, temporary);
        Files.move(b, a);
        Files.move(temporary, b);
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

    // The last octet of the embedded envelope's tag.
    private static void flipByteBeforeTrailer(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long position = raf.length() - MessageFile.TRAILER_OCTETS - 1;
            raf.seek(position);
            int value = raf.read();
            raf.seek(position);
            raf.write(value ^ 0x01);
        }
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
