package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.SpoolConfig;

class FileSpoolTest {
    private static final String SSN = "123-45-6789";
    private static final String RECIPIENT = "jane.patient@clinic.example";

    @TempDir
    Path directory;

    @Test
    void openCreatesPrivateDirectoriesAndKeyFile() throws IOException {
        FileSpool.open(config()).close();

        for (String name : List.of("", "incoming", "queue", "corrupt", "spare")) {
            Path path = spoolRoot().resolve(name);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                    .as("mode of %s", path)
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
    }

    @Test
    void openRejectsKeyFileWithMode0644() throws IOException {
        FileSpool.open(config()).close();
        Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> FileSpool.open(config()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(keyFile().toString())
                .hasMessageContaining("chmod 600");
    }

    @Test
    void noPlaintextReachesDisk() throws Exception {
        byte[] content = ("Subject: results\r\nTo: " + RECIPIENT + "\r\n\r\nSSN " + SSN + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId id = SpoolTestData.commit(spool, content, RECIPIENT);
            Envelope envelope = SpoolTestData.envelope(id, RECIPIENT);
            spool.update(envelope.withRecipient(
                    envelope.recipients().get(0).afterAttempt(RecipientStatus.PENDING, "451 4.7.0 " + SSN)));
            MessageWriter unfinished = spool.newMessage();
            unfinished.write(content, 0, content.length);

            List<Path> files = filesUnder(spoolRoot());
            assertThat(files).hasSize(3);
            for (Path file : files) {
                String octets = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(octets).as("content of %s", file).doesNotContain(SSN).doesNotContain(RECIPIENT)
                        .doesNotContain("clinic.example");
            }
            unfinished.abort();
        }
    }

    @Test
    void reopenReadsEarlierMessages() throws Exception {
        byte[] content = SpoolTestData.content(70_000, 11);
        QueueId id;
        try (FileSpool spool = FileSpool.open(config())) {
            id = SpoolTestData.commit(spool, content, RECIPIENT);
        }

        try (FileSpool spool = FileSpool.open(config())) {
            List<Envelope> recovered = spool.recover();

            assertThat(recovered).containsExactly(SpoolTestData.envelope(id, RECIPIENT));
            assertThat(SpoolTestData.readContent(spool, id)).isEqualTo(content);
        }
    }

    @Test
    void rotatedKeyStillReadsOldRecords() throws Exception {
        byte[] oldContent = SpoolTestData.content(1000, 12);
        byte[] newContent = SpoolTestData.content(1000, 13);
        QueueId oldId;
        try (FileSpool spool = FileSpool.open(config())) {
            oldId = SpoolTestData.commit(spool, oldContent, RECIPIENT);
        }
        SpoolKeys.addKey(keyFile());

        try (FileSpool spool = FileSpool.open(config())) {
            QueueId newId = SpoolTestData.commit(spool, newContent, RECIPIENT);

            assertThat(spool.recover()).extracting(Envelope::id).containsExactly(oldId, newId);
            assertThat(SpoolTestData.readContent(spool, oldId)).isEqualTo(oldContent);
            assertThat(SpoolTestData.readContent(spool, newId)).isEqualTo(newContent);
            assertThat(keyIdOf(spoolRoot().resolve("queue/" + oldId + ".msg"))).isEqualTo(1);
            assertThat(keyIdOf(spoolRoot().resolve("queue/" + newId + ".msg"))).isEqualTo(2);
        }
    }

    @Test
    void abortLeavesNothingBehind() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            MessageWriter writer = spool.newMessage();
            writer.write(SpoolTestData.content(100_000, 14), 0, 100_000);

            writer.abort();
            writer.abort();

            assertThat(filesUnder(spoolRoot())).isEmpty();
            assertThatThrownBy(() -> writer.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
            assertThat(spool.recover()).isEmpty();
        }
    }

    @Test
    void failedCommitLeavesNothingBehind() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            MessageWriter writer = spool.newMessage();
            writer.write(SpoolTestData.content(100_000, 15), 0, 100_000);
            Files.delete(spoolRoot().resolve("queue"));

            CompletableFuture<Void> commit = writer.commit(SpoolTestData.envelope(writer.id(), RECIPIENT));

            assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class);
            writer.abort();
            assertThat(filesUnder(spoolRoot())).isEmpty();
        }
    }

    @Test
    void commitWithWrongIdFails() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            MessageWriter writer = spool.newMessage();
            writer.write(new byte[10], 0, 10);

            CompletableFuture<Void> commit = writer.commit(SpoolTestData.envelope(QueueId.generate(), RECIPIENT));

            assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(filesUnder(spoolRoot())).isEmpty();
        }
    }

    @Test
    void secondCommitIsRejected() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            MessageWriter writer = spool.newMessage();
            Envelope envelope = SpoolTestData.envelope(writer.id(), RECIPIENT);
            writer.commit(envelope).get(10, TimeUnit.SECONDS);

            assertThat(writer.commit(envelope)).isCompletedExceptionally();
            writer.abort();
            assertThat(spool.recover()).containsExactly(envelope);
        }
    }

    @Test
    void updateReplacesEnvelope() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId id = SpoolTestData.commit(spool, new byte[] {1, 2, 3}, RECIPIENT, "second@example.org");
            Envelope original = SpoolTestData.envelope(id, RECIPIENT, "second@example.org");
            Envelope updated = original.withRecipient(
                    original.recipients().get(0).afterAttempt(RecipientStatus.DELIVERED, "250 2.0.0 ok"));

            spool.update(updated);

            assertThat(spool.recover()).containsExactly(updated);
            assertThat(filesUnder(spoolRoot().resolve("queue"))).hasSize(2);
        }
    }

    @Test
    void updateOfUnknownMessageThrowsNoSuchFile() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            Envelope envelope = SpoolTestData.envelope(QueueId.generate(), RECIPIENT);

            assertThatThrownBy(() -> spool.update(envelope)).isInstanceOf(NoSuchFileException.class);
            assertThat(filesUnder(spoolRoot())).isEmpty();
        }
    }

    @Test
    void removedMessageIsNotRecovered() throws Exception {
        try (FileSpool spool = FileSpool.open(config())) {
            QueueId removed = SpoolTestData.commit(spool, new byte[] {1}, RECIPIENT);
            QueueId kept = SpoolTestData.commit(spool, new byte[] {2}, RECIPIENT);

            spool.remove(removed);
            spool.remove(removed);
            spool.remove(QueueId.generate());

            assertThat(spool.recover()).extracting(Envelope::id).containsExactly(kept);
            assertThatThrownBy(() -> spool.openContent(removed)).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void concurrentCommitsAllRecover() throws Exception {
        int messages = 16;
        try (FileSpool spool = FileSpool.open(config())) {
            ExecutorService sessions = Executors.newFixedThreadPool(4);
            List<Future<QueueId>> ids = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                byte[] content = SpoolTestData.content(10_000 + i * 7_000, i);
                ids.add(sessions.submit(() -> SpoolTestData.commit(spool, content, RECIPIENT)));
            }
            List<QueueId> committed = new ArrayList<>();
            for (Future<QueueId> id : ids) {
                committed.add(id.get(30, TimeUnit.SECONDS));
            }
            sessions.shutdown();

            List<QueueId> sorted = committed.stream().sorted().toList();
            assertThat(spool.recover()).extracting(Envelope::id).containsExactlyElementsOf(sorted);
            for (int i = 0; i < messages; i++) {
                assertThat(SpoolTestData.readContent(spool, committed.get(i)))
                        .as("content of message %d", i)
                        .isEqualTo(SpoolTestData.content(10_000 + i * 7_000, i));
            }
        }
    }

    @Test
    void closedSpoolRejectsNewMessages() throws Exception {
        FileSpool spool = FileSpool.open(config());
        spool.close();

        assertThatThrownBy(spool::newMessage).isInstanceOf(IOException.class).hasMessageContaining("is closed");
    }

    private SpoolConfig config() {
        return new SpoolConfig(spoolRoot(), keyFile());
    }

    private Path spoolRoot() {
        return directory.resolve("spool");
    }

    private Path keyFile() {
        return directory.resolve("etc/spool.keys");
    }

    private static int keyIdOf(Path sealedFile) throws IOException {
        byte[] header = Files.readAllBytes(sealedFile);
        return java.nio.ByteBuffer.wrap(header, 5, 4).getInt();
    }

    static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
