package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.audit.AuditEvent;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.audit.AuditLog;
import org.sealrelay.gateway.audit.AuditRotation;
import org.sealrelay.gateway.audit.AuditVerifier;
import picocli.CommandLine;

/** Runs {@code sealrelay audit verify} in-process through picocli. */
class AuditVerifyCommandTest {
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Path log;
    private Path keyFile;

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new SealRelayCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @BeforeEach
    void writeLog() throws Exception {
        log = directory.resolve("audit.log");
        keyFile = directory.resolve("audit.key");
        try (AuditLog audit = AuditLog.open(log, AuditKey.loadOrCreate(keyFile))) {
            for (int i = 0; i < 3; i++) {
                audit.append(List.of(new AuditEvent("decision", Instant.parse("2026-12-04T10:15:30Z"))
                        .with("queueId", "Q" + i).with("rule", "default"))).join();
            }
        }
    }

    @Test
    void intactLogExitsZero() {
        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo(log + ": intact, 3 line(s)\n"
                + "  the anchor " + log + ".anchor matches the last line, seq 3\n");
        assertThat(exit).isZero();
    }

    @Test
    void modifiedLineIsNamed() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.set(1, lines.get(1).replace("\"rule\":\"default\"", "\"rule\":\"exempt\""));
        Files.write(log, lines);

        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString());

        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo(log + ":2: broken: the MAC does not match: the line was changed, or the"
                + " line before it was removed, inserted or changed, or the key is not the one the log was written"
                + " with (1 line(s) before it verified)\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void missingKeyFileExitsTwo() {
        Path missing = directory.resolve("none.key");

        int exit = run("audit", "verify", log.toString(), "--key-file", missing.toString());

        assertThat(err.toString()).isEqualTo("audit verify failed: " + missing + ": audit key file not found\n");
        assertThat(exit).isEqualTo(2);
    }

    @Test
    void missingLogExitsTwo() {
        Path missing = directory.resolve("none.log");

        int exit = run("audit", "verify", missing.toString(), "--key-file", keyFile.toString());

        assertThat(err.toString()).isEqualTo("audit verify failed: " + missing + ": audit log not found\n");
        assertThat(exit).isEqualTo(2);
    }

    /** Appends lines with a small size limit until the live log has {@code count} rotated files. */
    private void rotate(int count) throws Exception {
        try (AuditLog audit = AuditLog.open(log, AuditKey.load(keyFile), new AuditRotation(1000, Duration.ZERO, 0),
                Clock.systemUTC())) {
            for (int i = 0; AuditVerifier.rotatedFiles(log).size() < count; i++) {
                audit.append(List.of(new AuditEvent("admin", Instant.parse("2026-12-04T10:15:30Z"))
                        .with("queueId", "R" + i).with("action", "hold"))).join();
            }
        }
    }

    @Test
    void rotatedFilesAreCheckedWithLiveLog() throws Exception {
        rotate(3);

        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).startsWith(log + ": intact, ").contains(" line(s) in 4 file(s)\n");
        assertThat(exit).isZero();
    }

    @Test
    void deletedRotatedFileIsNamed() throws Exception {
        rotate(3);
        List<Path> rotated = AuditVerifier.rotatedFiles(log);
        Files.delete(rotated.get(1));

        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString());

        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith(rotated.get(2) + ":1: broken: the file continues from seq ")
                .contains(" in " + rotated.get(1).getFileName() + ", but " + rotated.get(0) + " ends at seq ")
                .containsPattern(": a rotated file between them is missing \\(\\d+ line\\(s\\) before it verified\\)\n$");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void cutLiveLogIsNamed() throws Exception {
        List<String> lines = Files.readAllLines(log);
        Files.write(log, lines.subList(0, 1));

        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString());

        assertThat(err.toString()).isEqualTo(log + ":2: broken: lines were cut off the end: the anchor " + log
                + ".anchor records seq 3, but the log ends at seq 1 (expected seq 3, found 1) (1 line(s) before it"
                + " verified)\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void missingAnchorExitsOneUnlessSkipped() throws Exception {
        Files.delete(directory.resolve("audit.log.anchor"));

        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString());
        int skipped = run("audit", "verify", log.toString(), "--key-file", keyFile.toString(), "--no-anchor");

        assertThat(err.toString()).isEqualTo(directory.resolve("audit.log.anchor") + ": broken: anchor not found, so"
                + " lines cut off the end cannot be detected; the gateway keeps it beside the live log, use"
                + " --no-anchor to check without it (0 line(s) before it verified)\n");
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).isEqualTo(log + ": intact, 3 line(s)\n");
        assertThat(skipped).isZero();
    }

    @Test
    void checkpointMustBeInChain() throws Exception {
        String third = Files.readAllLines(log).get(2);
        String mac = third.substring(third.indexOf(",\"mac\":\"") + 8, third.length() - 2);
        Files.write(log, Files.readAllLines(log).subList(0, 2));

        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString(), "--no-anchor",
                "--checkpoint", "3:" + mac);

        assertThat(err.toString()).isEqualTo(log + ":3: broken: lines were cut off the end: checkpoint 3 records"
                + " seq 3, but the log ends at seq 2 (expected seq 3, found 2) (2 line(s) before it verified)\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void invalidCheckpointIsRejected() {
        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString(), "--checkpoint", "3");

        assertThat(err.toString()).startsWith("--checkpoint: invalid checkpoint '3': expected SEQ:MAC, such as 1234:");
        assertThat(exit).isEqualTo(2);
    }

    @Test
    void anchorAndNoAnchorAreRejectedTogether() {
        int exit = run("audit", "verify", log.toString(), "--key-file", keyFile.toString(), "--no-anchor",
                "--anchor", directory.resolve("audit.log.anchor").toString());

        assertThat(err.toString()).startsWith("--anchor and --no-anchor cannot be used together\n");
        assertThat(exit).isEqualTo(2);
    }

    @Test
    void singleRotatedFileNeedsPartial() throws Exception {
        rotate(2);
        Path second = AuditVerifier.rotatedFiles(log).get(1);

        int strict = run("audit", "verify", second.toString(), "--key-file", keyFile.toString());
        int partial = run("audit", "verify", second.toString(), "--key-file", keyFile.toString(), "--partial");

        assertThat(strict).isEqualTo(1);
        assertThat(partial).isZero();
        assertThat(out.toString()).startsWith(second + ": intact, ").contains("\n  the chain starts at seq ");
    }
}
