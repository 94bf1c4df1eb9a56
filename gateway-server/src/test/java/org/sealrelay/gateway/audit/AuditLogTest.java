package org.sealrelay.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Instant TIME = Instant.parse("2026-12-04T10:15:30Z");

    @TempDir
    Path directory;

    private Path writeLog(AuditKey key, int count) throws Exception {
        Path file = directory.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, key)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                writes.add(log.append(List.of(new AuditEvent("decision", TIME).with("queueId", "Q" + i)
                        .with("evidence", List.of("detector ssn=1")))));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        }
        return file;
    }

    @Test
    void linesChainAndVerify() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        Path file = writeLog(key, 5);

        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        AuditVerifier.Result result = AuditVerifier.verify(file, key);

        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).matches("\\{\"seq\":1,\"time\":\"2026-12-04T10:15:30Z\",\"event\":\"decision\","
                + "\"queueId\":\"Q0\",\"evidence\":\\[\"detector ssn=1\"],\"mac\":\"[0-9a-f]{64}\"}");
        assertThat(result.intact()).isTrue();
        assertThat(result.verifiedLines()).isEqualTo(5);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void reopenedLogContinuesChain() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        writeLog(key, 2);
        Path file = writeLog(key, 3);

        AuditVerifier.Result result = AuditVerifier.verify(file, key);

        assertThat(result.intact()).isTrue();
        assertThat(result.verifiedLines()).isEqualTo(5);
    }

    @Test
    void changedLineIsReported() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        Path file = writeLog(key, 4);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replace("detector ssn=1", "detector ssn=0"));
        Files.write(file, lines);

        AuditVerifier.Result result = AuditVerifier.verify(file, key);

        assertThat(result.brokenLine()).contains(3L);
        assertThat(result.verifiedLines()).isEqualTo(2);
        assertThat(result.problem()).startsWith("the MAC does not match");
    }

    @Test
    void removedLineIsReported() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        Path file = writeLog(key, 4);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines);

        AuditVerifier.Result result = AuditVerifier.verify(file, key);

        assertThat(result.brokenLine()).contains(2L);
        assertThat(result.problem()).isEqualTo("sequence number 3, expected 2: a line was removed or inserted before it");
    }

    @Test
    void renumberedLineStillBreaksChain() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        Path file = writeLog(key, 3);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        lines.set(1, lines.get(1).replace("{\"seq\":3,", "{\"seq\":2,"));
        Files.write(file, lines);

        AuditVerifier.Result result = AuditVerifier.verify(file, key);

        assertThat(result.brokenLine()).contains(2L);
        assertThat(result.problem()).startsWith("the MAC does not match");
    }

    @Test
    void otherKeyDoesNotVerify() throws Exception {
        Path file = writeLog(AuditKey.ephemeral(), 1);

        assertThat(AuditVerifier.verify(file, AuditKey.ephemeral()).brokenLine()).contains(1L);
    }

    @Test
    void unterminatedTailIsTruncatedAtOpen() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        Path file = writeLog(key, 2);
        Files.writeString(file, "{\"seq\":3,\"time\":", StandardOpenOption.APPEND);

        assertThat(AuditVerifier.verify(file, key).brokenLine()).contains(3L);

        writeLog(key, 1);

        AuditVerifier.Result result = AuditVerifier.verify(file, key);
        assertThat(result.intact()).isTrue();
        assertThat(result.verifiedLines()).isEqualTo(3);
    }

    @Test
    void invalidLastLineStopsOpen() throws Exception {
        Path file = directory.resolve("audit.log");
        Files.writeString(file, "not an audit line\n");

        assertThatThrownBy(() -> AuditLog.open(file, AuditKey.ephemeral()))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": the last line is not a valid audit line; check the file with"
                        + " 'sealrelay audit verify " + file + "'");
    }

    @Test
    void valuesAreEscaped() throws Exception {
        AuditKey key = AuditKey.ephemeral();
        Path file = directory.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, key)) {
            log.append(List.of(new AuditEvent("admin", TIME).with("note", "a\"b\\c\r\nd\u00e9"))).join();
        }

        String line = Files.readString(file, StandardCharsets.US_ASCII);

        assertThat(line).contains("\"note\":\"a\\\"b\\\\c\\u000d\\u000ad\\u00e9\"");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(AuditVerifier.verify(file, key).intact()).isTrue();
    }

    @Test
    void keyFileIsCreatedPrivateAndReloaded() throws Exception {
        Path keyFile = directory.resolve("keys/audit.key");

        AuditKey created = AuditKey.loadOrCreate(keyFile);
        AuditKey loaded = AuditKey.loadOrCreate(keyFile);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(loaded.addressHash("Doctor@Partner.example")).isEqualTo(created.addressHash("doctor@partner.example"));
        assertThat(created.addressHash("doctor@partner.example")).matches("[0-9a-f]{32}");
    }

    @Test
    void keyFileReadableByOthersIsRejected() throws Exception {
        Path keyFile = directory.resolve("audit.key");
        AuditKey.loadOrCreate(keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> AuditKey.load(keyFile))
                .isInstanceOf(IOException.class)
                .hasMessage(keyFile + ": audit key file has mode rw-r--r--; expected rw------- (chmod 600)");
    }

    @Test
    void parsedLineExposesSequence() {
        Optional<AuditLine> line = AuditLine.parse("{\"seq\":7,\"time\":\"t\",\"mac\":\"" + "a".repeat(64) + "\"}");

        assertThat(line).map(AuditLine::sequence).contains(7L);
        assertThat(AuditLine.parse("{\"seq\":7,\"mac\":\"xyz\"}")).isEmpty();
    }
}
