package org.sealrelay.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.MutableClock;

/** Rotation, retention and the chain across files, on real files. */
class AuditRotationTest {
    private static final Instant TIME = Instant.parse("2026-12-04T10:15:30Z");
    private static final Pattern QUEUE_ID = Pattern.compile("\"queueId\":\"([^\"]+)\"");

    @TempDir
    Path directory;

    private Path live;
    private AuditKey key;

    @BeforeEach
    void setUp() {
        live = directory.resolve("audit.log");
        key = AuditKey.ephemeral();
    }

    private static AuditEvent event(String queueId) {
        return new AuditEvent("decision", TIME).with("queueId", queueId).with("rule", "default");
    }

    /** Writes {@code count} events, one batch each, and waits for all of them. */
    private static void append(AuditLog log, String prefix, int count) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            writes.add(log.append(List.of(event(prefix + i))));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }

    private AuditLog open(AuditRotation rotation) throws Exception {
        return AuditLog.open(live, key, rotation, Clock.systemUTC());
    }

    private List<Path> chain() throws Exception {
        List<Path> files = new ArrayList<>(AuditFiles.rotatedFiles(live));
        files.add(live);
        return files;
    }

    private AuditVerifier.Result verifyAll() throws Exception {
        return AuditVerifier.verify(chain(), key,
                new AuditVerifier.Checks(Optional.of(AuditAnchor.pathFor(live)), false, List.of()));
    }

    /** Writes enough lines with a small size limit for {@code files} rotated files. */
    private void writeRotated(int files) throws Exception {
        try (AuditLog log = open(new AuditRotation(1000, Duration.ZERO, 0))) {
            for (int i = 0; AuditFiles.rotatedFiles(live).size() < files; i++) {
                append(log, "R" + i + "-", 3);
            }
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.US_ASCII);
    }

    @Test
    void sizeRotationUnderConcurrentCommitsLosesNothing() throws Exception {
        int threads = 8;
        int perThread = 250;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        try (AuditLog log = open(new AuditRotation(8192, Duration.ZERO, 0))) {
            List<CompletableFuture<Void>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    // Each caller waits for its line to be durable before the next, as an SMTP
                    // session waits before its 250, so rounds hold up to one batch per caller.
                    for (int i = 0; i < perThread; i++) {
                        CompletableFuture<Void> write = log.append(List.of(event("T" + thread + "-" + i)));
                        synchronized (writes) {
                            writes.add(write);
                        }
                        write.join();
                    }
                }, callers));
            }
            start.countDown();
            CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }

        List<Path> files = chain();
        List<String> queueIds = new ArrayList<>();
        for (Path file : files) {
            for (String line : lines(file)) {
                Matcher matcher = QUEUE_ID.matcher(line);
                if (matcher.find()) {
                    queueIds.add(matcher.group(1));
                }
            }
        }
        AuditVerifier.Result result = verifyAll();

        assertThat(writes).hasSize(threads * perThread);
        assertThat(files.size()).isGreaterThan(5);
        assertThat(queueIds).hasSize(threads * perThread);
        assertThat(new HashSet<>(queueIds)).hasSize(threads * perThread);
        assertThat(result.problem()).isEmpty();
        assertThat(result.intact()).isTrue();
        for (Path rotated : files.subList(0, files.size() - 1)) {
            List<String> content = lines(rotated);
            assertThat(content.get(content.size() - 1)).contains("\"event\":\"file-end\"");
            // A rotated file exceeds the limit by at most one round (one line per caller) and its file-end line.
            assertThat(Files.size(rotated)).isLessThan(8192 + threads * 200L);
        }
        for (Path next : files.subList(1, files.size())) {
            assertThat(lines(next).get(0)).contains("\"event\":\"file-start\"");
        }
    }

    @Test
    void intervalRotationStartsFileAfterMidnight() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T23:59:30Z"));
        try (AuditLog log = AuditLog.open(live, key, new AuditRotation(0, Duration.ofDays(1), 0), clock)) {
            append(log, "A", 2);
            clock.set(Instant.parse("2026-12-04T23:59:59Z"));
            append(log, "B", 1);
            clock.set(Instant.parse("2026-12-05T00:00:07Z"));
            append(log, "C", 1);
        }

        List<Path> rotated = AuditFiles.rotatedFiles(live);

        assertThat(rotated).containsExactly(directory.resolve("audit.log.20261205T000007Z"));
        assertThat(lines(rotated.get(0))).hasSize(4);
        assertThat(lines(live).get(0)).contains("\"event\":\"file-start\"",
                "\"previousFile\":\"audit.log.20261205T000007Z\"", "\"previousSeq\":4,");
        assertThat(lines(live)).hasSize(2);
        assertThat(verifyAll().intact()).isTrue();
    }

    @Test
    void rotatedNamesStayUniqueWithinOneSecond() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-05T01:00:00.100Z"));
        try (AuditLog log = AuditLog.open(live, key, new AuditRotation(1, Duration.ZERO, 0), clock)) {
            for (int i = 0; i < 3; i++) {
                log.append(List.of(event("A" + i))).join();
            }
        }

        assertThat(AuditFiles.rotatedFiles(live)).extracting(path -> path.getFileName().toString())
                .containsExactly("audit.log.20261205T010000Z", "audit.log.20261205T010001Z");
        assertThat(verifyAll().intact()).isTrue();
    }

    @Test
    void reopenedLogKeepsRotating() throws Exception {
        writeRotated(2);
        writeRotated(4);

        AuditVerifier.Result result = verifyAll();

        assertThat(AuditFiles.rotatedFiles(live)).hasSize(4);
        assertThat(result.problem()).isEmpty();
        assertThat(result.notes()).containsExactly("the anchor " + AuditAnchor.pathFor(live)
                + " matches the last line, seq " + (result.verifiedLines()));
    }

    @Test
    void deletedMiddleFileIsReported() throws Exception {
        writeRotated(3);
        List<Path> rotated = AuditFiles.rotatedFiles(live);
        long endOfFirst = AuditLine.parse(lines(rotated.get(0)).get(lines(rotated.get(0)).size() - 1)).get().sequence();
        long endOfSecond = AuditLine.parse(lines(rotated.get(1)).get(lines(rotated.get(1)).size() - 1)).get().sequence();
        Files.delete(rotated.get(1));

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenFile()).contains(rotated.get(2));
        assertThat(result.brokenLine()).contains(1L);
        assertThat(result.problem()).isEqualTo("the file continues from seq " + endOfSecond + " in "
                + rotated.get(1).getFileName() + ", but " + rotated.get(0) + " ends at seq " + endOfFirst
                + ": a rotated file between them is missing");
    }

    @Test
    void deletedOldestFileIsReported() throws Exception {
        writeRotated(2);
        List<Path> rotated = AuditFiles.rotatedFiles(live);
        Files.delete(rotated.get(0));

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenFile()).contains(rotated.get(1));
        assertThat(result.problem()).startsWith("the file continues from seq ")
                .endsWith(", which was not given and is not recorded as removed: a rotated file is missing;"
                        + " give all rotated files oldest first, or use --partial");
    }

    @Test
    void truncatedRotatedFileIsReported() throws Exception {
        writeRotated(2);
        Path first = AuditFiles.rotatedFiles(live).get(0);
        List<String> content = lines(first);
        Files.write(first, content.subList(0, content.size() - 2));

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenFile()).contains(first);
        assertThat(result.brokenLine()).contains((long) content.size() - 1);
        assertThat(result.problem()).isEqualTo("lines were cut off the end of the file: its last line, seq "
                + (content.size() - 2) + ", is not a file-end line, but " + AuditFiles.rotatedFiles(live).get(1)
                + " follows it");
    }

    @Test
    void reorderedFilesAreReported() throws Exception {
        writeRotated(3);
        List<Path> files = chain();
        List<Path> swapped = new ArrayList<>(files);
        swapped.set(1, files.get(2));
        swapped.set(2, files.get(1));

        AuditVerifier.Result result = AuditVerifier.verify(swapped, key, AuditVerifier.Checks.CHAIN_ONLY);

        assertThat(result.brokenFile()).contains(files.get(2));
        assertThat(result.problem()).endsWith(": a rotated file between them is missing");
        AuditVerifier.Result twice = AuditVerifier.verify(List.of(files.get(0), files.get(1), files.get(1),
                files.get(2), files.get(3)), key, AuditVerifier.Checks.CHAIN_ONLY);
        assertThat(twice.brokenFile()).contains(files.get(1));
        assertThat(twice.brokenLine()).contains(1L);
        assertThat(twice.problem()).endsWith(": the files are out of order, or one was given twice");
    }

    @Test
    void partialCheckAcceptsOneRotatedFile() throws Exception {
        writeRotated(3);
        Path middle = AuditFiles.rotatedFiles(live).get(1);

        AuditVerifier.Result strict = AuditVerifier.verify(List.of(middle), key, AuditVerifier.Checks.CHAIN_ONLY);
        AuditVerifier.Result partial = AuditVerifier.verify(List.of(middle), key,
                new AuditVerifier.Checks(Optional.empty(), true, List.of()));

        assertThat(strict.intact()).isFalse();
        assertThat(partial.problem()).isEmpty();
        assertThat(partial.notes()).singleElement().asString().startsWith("the chain starts at seq ");
    }

    @Test
    void missingLiveFileAfterRotatedFilesIsReported() throws Exception {
        writeRotated(2);
        List<Path> rotated = AuditFiles.rotatedFiles(live);

        AuditVerifier.Result result = AuditVerifier.verify(rotated, key, AuditVerifier.Checks.CHAIN_ONLY);

        assertThat(result.brokenFile()).contains(rotated.get(1));
        assertThat(result.problem()).isEqualTo("the last file ends with a file-end line, so the file that followed"
                + " it is missing; give the live log last, or use --partial");
    }

    @Test
    void retentionKeepsNewestFilesAndRecordsRemovals() throws Exception {
        try (AuditLog log = open(new AuditRotation(1000, Duration.ZERO, 2))) {
            for (int i = 0; i < 40; i++) {
                append(log, "K" + i + "-", 3);
            }
        }
        List<Path> rotated = AuditFiles.rotatedFiles(live);

        AuditVerifier.Result result = verifyAll();

        assertThat(rotated).hasSize(2);
        assertThat(result.problem()).isEmpty();
        assertThat(result.notes().get(0)).startsWith("the chain starts at seq ")
                .endsWith(", removed under audit.keep-rotated as the log records");

        Files.delete(rotated.get(0));
        AuditVerifier.Result afterDelete = verifyAll();
        assertThat(afterDelete.brokenFile()).contains(rotated.get(1));
        assertThat(afterDelete.problem()).endsWith("which was not given and is not recorded as removed: a rotated"
                + " file is missing; give all rotated files oldest first, or use --partial");
    }

    @Test
    void linesAfterFileEndAreReported() throws Exception {
        writeRotated(1);
        Path rotated = AuditFiles.rotatedFiles(live).get(0);
        List<String> content = new ArrayList<>(lines(rotated));
        content.add(lines(live).get(1));
        Files.write(rotated, content);

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenFile()).contains(rotated);
        assertThat(result.brokenLine()).contains((long) content.size());
        assertThat(result.problem()).isEqualTo("a line follows the file-end line: lines were appended after rotation");
    }

    @Test
    void rotatedFilesHaveOwnerOnlyMode() throws Exception {
        writeRotated(1);

        Set<String> modes = new HashSet<>();
        for (Path file : chain()) {
            modes.add(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        modes.add(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(AuditAnchor.pathFor(live))));

        assertThat(modes).containsExactly("rw-------");
    }
}
