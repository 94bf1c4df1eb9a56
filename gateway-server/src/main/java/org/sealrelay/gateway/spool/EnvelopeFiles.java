package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes and reads sealed envelope files. */
final class EnvelopeFiles {
    /** Upper bound on a decoded envelope, far above any real recipient list; guards against a bad file. */
    private static final int MAX_ENVELOPE_OCTETS = 64 * 1024 * 1024;

    private EnvelopeFiles() {}

    /**
     * Creates {@code file} with mode 0600, writes the sealed envelope and fsyncs the file (not its
     * directory). On failure the partial file is deleted and the exception rethrown.
     */
    static void write(Path file, Envelope envelope, SpoolKeys keys) throws IOException {
        byte[] encoded = EnvelopeCodec.encode(envelope);
        try (FileChannel channel = SpoolDirectories.createPrivateFile(file)) {
            ChunkedCipherOutputStream out = new ChunkedCipherOutputStream(
                    Channels.newOutputStream(channel), keys.current(), FileRole.ENVELOPE, envelope.id());
            out.write(encoded, 0, encoded.length);
            out.finish();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file, e);
            throw e;
        }
    }

    /**
     * Reads, verifies and decodes the envelope in {@code file}.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it fails its integrity check or is not a valid envelope of {@code id}
     */
    static Envelope read(Path file, QueueId id, SpoolKeys keys) throws IOException {
        return read(Files.newInputStream(file), id, keys);
    }

    /**
     * Reads, verifies and decodes a sealed envelope stream, and closes {@code sealed}.
     *
     * @throws IOException if it fails its integrity check or is not a valid envelope of {@code id}
     */
    static Envelope read(InputStream sealed, QueueId id, SpoolKeys keys) throws IOException {
        byte[] encoded;
        try (InputStream in = new ChunkedCipherInputStream(sealed, keys, FileRole.ENVELOPE, id)) {
            encoded = in.readNBytes(MAX_ENVELOPE_OCTETS + 1);
        } catch (IOException | RuntimeException e) {
            sealed.close();
            throw e;
        }
        if (encoded.length > MAX_ENVELOPE_OCTETS) {
            throw new IOException("envelope of " + id + " exceeds " + MAX_ENVELOPE_OCTETS + " octets");
        }
        return EnvelopeCodec.decode(encoded, id);
    }

    /** Deletes a file after a failure, recording a failed delete on the original exception. */
    static void deleteQuietly(Path file, Exception failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
