package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

class GroupCommitTest {
    private static final String RECIPIENT = "jane.patient@clinic.example";

    @TempDir
    Path directory;

    @Test
    void concurrentCommitsRecoverAfterReopen() throws Exception {
        // More sessions than commit threads, so that commits queue up and share batches.
        int messages = 96;
        List<QueueId> committed = new ArrayList<>();
        try (FileSpool spool = FileSpool.open(config())) {
            ExecutorService sessions = Executors.newFixedThreadPool(32);
            try {
                List<Future<QueueId>> ids = new ArrayList<>();
                for (int i = 0; i < messages; i++) {
                    byte[] content = SpoolTestData.content(1_000 + i * 311, i);
                    ids.add(sessions.submit(() -> SpoolTestData.commit(spool, content, RECIPIENT)));
                }
                for (Future<QueueId> id : ids) {
                    committed.add(id.get(60, TimeUnit.SECONDS));
                }
            } finally {
                sessions.shutdownNow();
            }
        }

        try (FileSpool reopened = FileSpool.open(config())) {
            assertThat(reopened.recover()).extracting(Envelope::id)
                    .containsExactlyElementsOf(committed.stream().sorted().toList());
            for (int i = 0; i < messages; i++) {
                assertThat(SpoolTestData.readContent(reopened, committed.get(i)))
                        .as("content of message %d", i)
                        .isEqualTo(SpoolTestData.content(1_000 + i * 311, i));
            }
        }
        assertThat(filesIn(spoolRoot().resolve("incoming"))).isEmpty();
        assertThat(filesIn(spoolRoot().resolve("queue"))).hasSize(messages);
    }

    @Test
    void failedRenameFailsOnlyThatMessage() throws Exception {
        Path incoming = Files.createDirectory(directory.resolve("incoming"));
        Path queue = Files.createDirectory(directory.resolve("queue"));
        GroupCommitter committer = new GroupCommitter(queue);
        try {
            List<CompletableFuture<Void>> results = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                if (!name.equals("b")) {
                    Files.writeString(incoming.resolve(name + ".msg"), "message " + name);
                }
                results.add(committer.publish(incoming.resolve(name + ".msg"), queue.resolve(name + ".msg")));
            }

            results.get(0).get(10, TimeUnit.SECONDS);
            results.get(2).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> results.get(1).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NoSuchFileException.class);
            assertThat(filesIn(queue)).extracting(path -> path.getFileName().toString())
                    .containsExactlyInAnyOrder("a.msg", "c.msg");
            assertThat(filesIn(incoming)).isEmpty();
        } finally {
            committer.close(10);
        }
    }

    @Test
    void publishAfterCloseFails() throws Exception {
        Path queue = Files.createDirectory(directory.resolve("queue"));
        GroupCommitter committer = new GroupCommitter(queue);
        committer.close(10);

        CompletableFuture<Void> result = committer.publish(directory.resolve("x.msg"), queue.resolve("x.msg"));

        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("spool is closed");
    }

    private SpoolConfig config() {
        return new SpoolConfig(spoolRoot(), directory.resolve("etc/spool.keys"));
    }

    private Path spoolRoot() {
        return directory.resolve("spool");
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
