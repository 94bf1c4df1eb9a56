package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolKeysTest {
    @TempDir
    Path directory;

    @Test
    void createsKeyFileWithMode0600() throws IOException {
        Path file = directory.resolve("keys/spool.keys");

        SpoolKeys keys = SpoolKeys.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(keys.currentKeyId()).isEqualTo(1);
        assertThat(keys.keyIds()).containsExactly(1);
    }

    @Test
    void reloadReturnsSameKey() throws IOException {
        Path file = directory.resolve("spool.keys");
        SpoolKeys created = SpoolKeys.loadOrCreate(file);

        SpoolKeys loaded = SpoolKeys.loadOrCreate(file);

        assertThat(loaded.current().secret().getEncoded()).isEqualTo(created.current().secret().getEncoded());
    }

    @Test
    void rejectsKeyFileReadableByOthers() throws IOException {
        Path file = directory.resolve("spool.keys");
        SpoolKeys.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> SpoolKeys.loadOrCreate(file))
                .isInstanceOf(IOException.class)
                .hasMessage("spool key file " + file + " is accessible to group or others (mode rw-r--r--); run"
                        + " 'chmod 600 " + file + "' and restart");
    }

    @Test
    void rejectsKeyFileWithoutFormatLine() throws IOException {
        Path file = writeKeyFile("key 1 current " + randomKey() + "\n");

        assertThatThrownBy(() -> SpoolKeys.load(file))
                .isInstanceOf(IOException.class)
                .hasMessage("invalid spool key file " + file + " at line 1: expected 'sealrelay-spool-keys 1' as"
                        + " the first line; restore the file from a backup");
    }

    @Test
    void rejectsShortKeyWithoutQuotingIt() throws IOException {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        Path file = writeKeyFile("sealrelay-spool-keys 1\nkey 1 current " + shortKey + "\n");

        assertThatThrownBy(() -> SpoolKeys.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("at line 2: key 1 has 16 octets; expected 32")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void rejectsKeyFileWithoutCurrentKey() throws IOException {
        Path file = writeKeyFile("sealrelay-spool-keys 1\nkey 1 retired " + randomKey() + "\n");

        assertThatThrownBy(() -> SpoolKeys.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no key is marked current");
    }

    @Test
    void rejectsDuplicateKeyId() throws IOException {
        Path file = writeKeyFile("sealrelay-spool-keys 1\nkey 1 current " + randomKey() + "\nkey 1 retired "
                + randomKey() + "\n");

        assertThatThrownBy(() -> SpoolKeys.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("at line 3: key id 1 appears twice");
    }

    @Test
    void addKeyKeepsOldKeys() throws IOException {
        Path file = directory.resolve("spool.keys");
        SpoolKeys first = SpoolKeys.loadOrCreate(file);

        SpoolKeys rotated = SpoolKeys.addKey(file);

        assertThat(rotated.currentKeyId()).isEqualTo(2);
        assertThat(rotated.keyIds()).containsExactly(1, 2);
        assertThat(rotated.find(1).orElseThrow().secret().getEncoded())
                .isEqualTo(first.current().secret().getEncoded());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private Path writeKeyFile(String text) throws IOException {
        Path file = directory.resolve("spool.keys");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String randomKey() {
        return Base64.getEncoder().encodeToString(SpoolTestData.content(32, System.nanoTime()));
    }
}
