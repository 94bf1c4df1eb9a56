package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.spool.SpoolKeys;
import picocli.CommandLine;

class SpoolRotateKeyCommandTest {
    @TempDir
    Path directory;

    @Test
    void rotatedKeyWritesNewRecordsAndReadsOld() throws Exception {
        SpoolConfig spoolConfig = new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys"));
        QueueId old = write(spoolConfig, "before rotation");
        Path config = directory.resolve("sealrelay.yaml");
        Files.writeString(config, "spool:\n  directory: " + spoolConfig.directory() + "\n  key-file: "
                + spoolConfig.keyFile() + "\n");

        StringWriter out = new StringWriter();
        int exit = new CommandLine(new SealRelayCommand()).setOut(new PrintWriter(out))
                .execute("spool", "rotate-key", "--config", config.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("new current key id 2, 2 key(s) kept");
        assertThat(SpoolKeys.load(spoolConfig.keyFile()).currentKeyId()).isEqualTo(2);
        QueueId fresh = write(spoolConfig, "after rotation");
        try (Spool spool = FileSpool.open(spoolConfig)) {
            assertThat(read(spool, old)).isEqualTo("before rotation");
            assertThat(read(spool, fresh)).isEqualTo("after rotation");
        }
    }

    @Test
    void invalidConfigurationExits78() throws Exception {
        Path config = directory.resolve("bad.yaml");
        Files.writeString(config, "spool:\n  dirctory: x\n");
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setErr(new PrintWriter(err))
                .execute("spool", "rotate-key", "--config", config.toString());

        assertThat(exit).isEqualTo(78);
        assertThat(err.toString()).contains("unknown setting spool.dirctory");
    }

    private static QueueId write(SpoolConfig config, String text) throws Exception {
        try (Spool spool = FileSpool.open(config)) {
            spool.recover();
            MessageWriter writer = spool.newMessage();
            byte[] octets = text.getBytes(StandardCharsets.US_ASCII);
            writer.write(octets, 0, octets.length);
            writer.commit(new org.sealrelay.gateway.spool.Envelope(writer.id(), "", java.util.List.of(
                    org.sealrelay.gateway.spool.EnvelopeRecipient.pending("a@b.example",
                            org.sealrelay.policy.DeliveryPlan.relay(org.sealrelay.policy.TlsLevel.ENCRYPT))),
                    false, "127.0.0.1", "x", java.time.Instant.now(), octets.length)).get();
            return writer.id();
        }
    }

    private static String read(Spool spool, QueueId id) throws Exception {
        try (InputStream in = spool.openContent(id)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
