package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.audit.AuditEvent;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.audit.AuditLog;
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
}
