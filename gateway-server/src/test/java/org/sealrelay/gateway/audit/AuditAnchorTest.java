package org.sealrelay.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines cut off the end of the live log, and the crash states that must not look like one. */
class AuditAnchorTest {
    private static final Instant TIME = Instant.parse("2026-12-04T10:15:30Z");
    private static final AuditRotation SMALL_FILES = new AuditRotation(1000, Duration.ZERO, 0);

    @TempDir
    Path directory;

    private Path live;
    private Path anchor;
    private AuditKey key;

    @BeforeEach
    void setUp() {
        live = directory.resolve("audit.log");
        anchor = AuditAnchor.pathFor(live);
        key = AuditKey.ephemeral();
    }

    private void write(AuditRotation rotation, int count) throws IOException {
        try (AuditLog log = AuditLog.open(live, key, rotation, Clock.systemUTC())) {
            for (int i = 0; i < count; i++) {
                log.append(List.of(new AuditEvent("decision", TIME).with("queueId", "Q" + i))).join();
            }
        }
    }

    private AuditVerifier.Result verifyAll() throws IOException {
        List<Path> files = new ArrayList<>(AuditFiles.rotatedFiles(live));
        files.add(live);
        return AuditVerifier.verify(files, key, new AuditVerifier.Checks(Optional.of(anchor), false, List.of()));
    }

    private void keepFirstLines(Path file, int count) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Files.write(file, lines.subList(0, count));
    }

    private String allText() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : AuditFiles.rotatedFiles(live)) {
            text.append(Files.readString(file));
        }
        return text.append(Files.readString(live)).toString();
    }

    @Test
    void cutLiveFileIsReported() throws Exception {
        write(AuditRotation.NONE, 10);
        keepFirstLines(live, 7);

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenFile()).contains(live);
        assertThat(result.brokenLine()).contains(8L);
        assertThat(result.verifiedLines()).isEqualTo(7);
        assertThat(result.problem()).isEqualTo("lines were cut off the end: the anchor " + anchor
                + " records seq 10, but the log ends at seq 7 (expected seq 10, found 7)");
    }

    @Test
    void cutWholeLiveFileIsReported() throws Exception {
        write(AuditRotation.NONE, 3);
        Files.write(live, new byte[0]);

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenLine()).contains(1L);
        assertThat(result.problem()).startsWith("lines were cut off the end: the anchor " + anchor
                + " records seq 3, but the log ends at seq 0");
    }

    @Test
    void anchorIsCurrentWhileLogIsOpen() throws Exception {
        try (AuditLog log = AuditLog.open(live, key, AuditRotation.NONE, Clock.systemUTC())) {
            for (int i = 0; i < 5; i++) {
                log.append(List.of(new AuditEvent("decision", TIME).with("queueId", "Q" + i))).join();
            }

            AuditVerifier.Result result = verifyAll();

            assertThat(result.problem()).isEmpty();
            assertThat(result.notes()).containsExactly("the anchor " + anchor + " matches the last line, seq 5");
        }
    }

    @Test
    void laggingAnchorIsNoProblem() throws Exception {
        write(AuditRotation.NONE, 5);
        byte[] earlier = Files.readAllBytes(anchor);
        write(AuditRotation.NONE, 5);
        Files.write(anchor, earlier);

        AuditVerifier.Result lagging = verifyAll();
        write(AuditRotation.NONE, 1);
        AuditVerifier.Result reopened = verifyAll();

        assertThat(lagging.problem()).isEmpty();
        assertThat(lagging.notes()).containsExactly("the anchor " + anchor + " records seq 5; the 5 line(s) after it"
                + " were written after it or after an unclean stop");
        assertThat(reopened.problem()).isEmpty();
        assertThat(allText()).doesNotContain("anchor-mismatch");
    }

    @Test
    void cutFoundAtOpenIsRecordedInLog() throws Exception {
        write(AuditRotation.NONE, 10);
        keepFirstLines(live, 7);

        write(AuditRotation.NONE, 2);
        List<String> lines = Files.readAllLines(live, StandardCharsets.US_ASCII);
        AuditVerifier.Result result = verifyAll();

        assertThat(lines).hasSize(10);
        assertThat(lines.get(7)).contains("\"seq\":8,", "\"event\":\"anchor-mismatch\"", "\"anchorSeq\":10,",
                "\"foundSeq\":7,");
        assertThat(result.verifiedLines()).isEqualTo(10);
        assertThat(result.brokenFile()).contains(live);
        assertThat(result.brokenLine()).contains(8L);
        assertThat(result.problem()).matches("the gateway found at its start \\(.+\\) that lines were cut off the end"
                + " of the log or rewritten: the anchor recorded seq 10, but the log ended at seq 7; the lines after"
                + " that are lost");
    }

    @Test
    void deletedLiveFileIsRecordedAtOpen() throws Exception {
        write(SMALL_FILES, 20);
        Files.delete(live);

        write(SMALL_FILES, 1);

        assertThat(Files.readAllLines(live).get(1)).contains("\"event\":\"anchor-mismatch\"");
        assertThat(verifyAll().problem()).startsWith("the gateway found at its start");
    }

    @Test
    void anchorOfAnotherLogIsReported() throws Exception {
        write(AuditRotation.NONE, 3);
        Path other = directory.resolve("other.log");
        try (AuditLog log = AuditLog.open(other, key)) {
            for (int i = 0; i < 3; i++) {
                log.append(List.of(new AuditEvent("admin", TIME).with("action", "hold"))).join();
            }
        }
        Files.copy(AuditAnchor.pathFor(other), anchor, StandardCopyOption.REPLACE_EXISTING);

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenLine()).contains(4L);
        assertThat(result.problem()).startsWith("the anchor " + anchor + " records MAC ")
                .endsWith(": the log was rewritten after it, or it belongs to another log");
    }

    @Test
    void checkpointBeyondEndIsReported() throws Exception {
        write(AuditRotation.NONE, 4);
        ChainPosition fourth = AuditLine.parse(Files.readAllLines(live).get(3)).get().position();
        keepFirstLines(live, 2);
        Files.write(anchor, new byte[0]);
        Files.delete(anchor);

        AuditVerifier.Result result = AuditVerifier.verify(List.of(live), key,
                new AuditVerifier.Checks(Optional.empty(), false, List.of(fourth)));

        assertThat(result.problem()).isEqualTo("lines were cut off the end: checkpoint 4 records seq 4, but the log"
                + " ends at seq 2 (expected seq 4, found 2)");
    }

    @Test
    void tornAnchorSlotFallsBackToOther() throws Exception {
        ChainPosition first = new ChainPosition(7, "a".repeat(64));
        ChainPosition second = new ChainPosition(8, "b".repeat(64));
        try (AuditAnchor writer = AuditAnchor.open(anchor, key)) {
            writer.write(first);
            writer.write(second);
        }
        byte[] octets = Files.readAllBytes(anchor);
        octets[AuditAnchor.SLOT_OCTETS + 40] = 'x';
        Files.write(anchor, octets);

        assertThat(AuditAnchor.read(anchor, key)).contains(first);

        octets[40] = 'x';
        Files.write(anchor, octets);
        assertThatThrownBy(() -> AuditAnchor.read(anchor, key))
                .isInstanceOf(IOException.class)
                .hasMessage(anchor + ": invalid audit anchor: no slot contains a position whose check matches this key;"
                        + " it was changed, or written with another key");
    }

    @Test
    void anchorOfOtherKeyIsInvalid() throws Exception {
        write(AuditRotation.NONE, 2);

        assertThatThrownBy(() -> AuditAnchor.read(anchor, AuditKey.ephemeral()))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith("it was changed, or written with another key");
    }

    /**
     * Writes ten lines into one file, keeps the anchor as it was then, and lets the next line
     * rotate. Returns the anchor from before the rotation, which is what the disk may hold when
     * a crash interrupts the rotation.
     */
    private byte[] rotateOnce() throws IOException {
        write(AuditRotation.NONE, 10);
        byte[] before = Files.readAllBytes(anchor);
        write(SMALL_FILES, 1);
        assertThat(AuditFiles.rotatedFiles(live)).hasSize(1);
        return before;
    }

    private void assertRecoversWithoutAlarm(byte[] anchorBefore) throws IOException {
        Files.write(anchor, anchorBefore);

        write(SMALL_FILES, 1);
        AuditVerifier.Result result = verifyAll();

        assertThat(result.problem()).isEmpty();
        assertThat(result.intact()).isTrue();
        assertThat(allText()).doesNotContain("anchor-mismatch");
        assertThat(Files.readAllLines(live).get(0)).contains("\"event\":\"file-start\"", "\"previousSeq\":11,");
    }

    @Test
    void crashAfterFileEndLineFinishesRotation() throws Exception {
        byte[] anchorBefore = rotateOnce();
        Path rotated = AuditFiles.rotatedFiles(live).get(0);
        Files.delete(live);
        Files.move(rotated, live);

        assertRecoversWithoutAlarm(anchorBefore);
        assertThat(AuditFiles.rotatedFiles(live)).hasSize(1);
    }

    @Test
    void crashAfterRenameStartsNewFile() throws Exception {
        byte[] anchorBefore = rotateOnce();
        Files.delete(live);

        assertRecoversWithoutAlarm(anchorBefore);
    }

    @Test
    void crashAfterCreateStartsNewFile() throws Exception {
        byte[] anchorBefore = rotateOnce();
        Files.write(live, new byte[0]);

        assertRecoversWithoutAlarm(anchorBefore);
    }

    @Test
    void crashDuringFileStartWriteStartsNewFile() throws Exception {
        byte[] anchorBefore = rotateOnce();
        String firstLine = Files.readAllLines(live).get(0);
        Files.writeString(live, firstLine.substring(0, 40));

        assertRecoversWithoutAlarm(anchorBefore);
    }

    @Test
    void missingAnchorIsReported() throws Exception {
        write(AuditRotation.NONE, 2);
        Files.delete(anchor);

        AuditVerifier.Result result = verifyAll();

        assertThat(result.brokenFile()).contains(anchor);
        assertThat(result.problem()).isEqualTo("anchor not found, so lines cut off the end cannot be detected; the"
                + " gateway keeps it beside the live log, use --no-anchor to check without it");
    }
}
