package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkedCipherStreamTest {
    @TempDir
    Path directory;

    private SpoolKeys keys;
    private final QueueId id = QueueId.generate();

    @BeforeEach
    void createKeys() throws IOException {
        keys = SpoolKeys.loadOrCreate(directory.resolve("spool.keys"));
    }

    @Test
    void singleByteWritesRoundTrip() throws IOException {
        byte[] content = SpoolTestData.content(SealedFileFormat.CHUNK_OCTETS + 3, 21);
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (ChunkedCipherOutputStream out = new ChunkedCipherOutputStream(sealed, keys.current(), FileRole.CONTENT, id)) {
            for (byte b : content) {
                out.write(b);
            }
        }

        assertThat(open(sealed.toByteArray(), keys, FileRole.CONTENT, id).readAllBytes()).isEqualTo(content);
    }

    @Test
    void writeAfterFinishFails() throws IOException {
        ChunkedCipherOutputStream out =
                new ChunkedCipherOutputStream(new ByteArrayOutputStream(), keys.current(), FileRole.CONTENT, id);
        out.finish();

        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessage("write after finish");
    }

    @Test
    void wrongRoleFailsIntegrityCheck() throws IOException {
        byte[] sealed = seal(new byte[] {1, 2, 3}, FileRole.ENVELOPE);

        assertThatThrownBy(() -> open(sealed, keys, FileRole.CONTENT, id).readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("content file of " + id + " failed its integrity check at chunk 0");
    }

    @Test
    void unknownKeyIdIsNamed() throws IOException {
        byte[] sealed = seal(new byte[] {1, 2, 3}, FileRole.CONTENT);
        SpoolKeys otherKeys = SpoolKeys.loadOrCreate(directory.resolve("other.keys"));
        sealed[8] = 7;

        assertThatThrownBy(() -> open(sealed, otherKeys, FileRole.CONTENT, id))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is sealed with key id 7, which is not in key file " + otherKeys.file());
    }

    @Test
    void otherMasterKeyFailsIntegrityCheck() throws IOException {
        byte[] sealed = seal(new byte[] {1, 2, 3}, FileRole.CONTENT);
        SpoolKeys otherKeys = SpoolKeys.loadOrCreate(directory.resolve("other.keys"));

        assertThatThrownBy(() -> open(sealed, otherKeys, FileRole.CONTENT, id).readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("failed its integrity check");
    }

    @Test
    void invalidMagicIsRejected() throws IOException {
        byte[] sealed = seal(new byte[] {1, 2, 3}, FileRole.CONTENT);
        sealed[0] = 'X';

        assertThatThrownBy(() -> open(sealed, keys, FileRole.CONTENT, id))
                .isInstanceOf(IOException.class)
                .hasMessage("content file of " + id + " is not a sealed spool file: invalid magic");
    }

    @Test
    void readAfterFailureKeepsFailing() throws IOException {
        byte[] sealed = seal(SpoolTestData.content(100, 22), FileRole.CONTENT);
        sealed[sealed.length - 1] ^= 1;
        ChunkedCipherInputStream in = open(sealed, keys, FileRole.CONTENT, id);

        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    private byte[] seal(byte[] content, FileRole role) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (ChunkedCipherOutputStream out = new ChunkedCipherOutputStream(sealed, keys.current(), role, id)) {
            out.write(content, 0, content.length);
        }
        return sealed.toByteArray();
    }

    private static ChunkedCipherInputStream open(byte[] sealed, SpoolKeys keys, FileRole role, QueueId id)
            throws IOException {
        return new ChunkedCipherInputStream(new ByteArrayInputStream(sealed), keys, role, id);
    }
}
