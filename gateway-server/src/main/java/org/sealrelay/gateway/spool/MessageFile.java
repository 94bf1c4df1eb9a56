package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * A message file, {@code ID.msg}: the message content and the envelope it was committed with, in
 * one file, so that a commit costs one file fsync.
 *
 * <pre>
 * sealed content stream, header format version 2 (see {@link SealedFileFormat})
 * sealed envelope stream, header format version 1
 * trailer, 12 octets: content stream length (8 octets, big-endian), magic "SRME"
 * </pre>
 *
 * <p>The envelope in the file is the one of the commit. Later states go to {@code ID.env} (see
 * {@link FileSpool#update}), which takes precedence over the embedded one. A content stream of
 * format version 1 is a content file of the older layout, which always has an {@code ID.env}.
 *
 * <p>The trailer is not authenticated by itself, but both streams are: a changed length makes
 * the content end inside a chunk or the envelope start outside one, and either fails its check.
 */
final class MessageFile {
    static final int TRAILER_OCTETS = 12;
    private static final byte[] TRAILER_MAGIC = {'S', 'R', 'M', 'E'};
    private static final int VERSION_OFFSET = 4;

    private MessageFile() {}

    /**
     * Appends the sealed envelope and the trailer to a message file whose content stream has just
     * been finished, at the channel's position. Does not force the channel.
     */
    static void appendEnvelope(FileChannel channel, Envelope envelope, SpoolKeys keys) throws IOException {
        long contentLength = channel.position();
        byte[] encoded = EnvelopeCodec.encode(envelope);
        ChunkedCipherOutputStream out = new ChunkedCipherOutputStream(
                Channels.newOutputStream(channel), keys.current(), FileRole.ENVELOPE, envelope.id());
        out.write(encoded, 0, encoded.length);
        // finish() and not close(): closing would close the channel before the trailer is written.
        out.finish();
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_OCTETS).putLong(contentLength).put(TRAILER_MAGIC).flip();
        while (trailer.hasRemaining()) {
            channel.write(trailer);
        }
    }

    /**
     * Opens the verified content of a message file of either layout.
     *
     * @throws IOException if the file is missing, its header or trailer is malformed, or it names
     *     a key that {@code keys} lacks
     */
    static InputStream openContent(Path file, QueueId id, SpoolKeys keys) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long end = channel.size();
            ByteBuffer version = ByteBuffer.allocate(1);
            if (channel.read(version, VERSION_OFFSET) == 1 && version.get(0) == SealedFileFormat.WITH_ENVELOPE_TRAILER) {
                end = contentLength(channel, id);
            }
            InputStream in = new BoundedInputStream(Channels.newInputStream(channel), end);
            return new ChunkedCipherInputStream(in, keys, FileRole.CONTENT, id);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Reads, verifies and decodes the envelope embedded in a message file.
     *
     * @return the envelope, or empty for a content file of the older layout (format version 1),
     *     which has none
     * @throws IOException if the file is not a sealed file, or its trailer or envelope fails its check
     */
    static Optional<Envelope> readEmbeddedEnvelope(Path file, QueueId id, SpoolKeys keys) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate(VERSION_OFFSET + 1);
            while (start.hasRemaining()) {
                if (channel.read(start) < 0) {
                    throw new IOException("message file of " + id + " is truncated: it ends inside its header");
                }
            }
            byte version = start.get(VERSION_OFFSET);
            if (version == SealedFileFormat.SINGLE_STREAM) {
                return Optional.empty();
            }
            if (version != SealedFileFormat.WITH_ENVELOPE_TRAILER) {
                throw new IOException("message file of " + id + " has unsupported format version " + version);
            }
            long contentEnd = contentLength(channel, id);
            long envelopeEnd = channel.size() - TRAILER_OCTETS;
            channel.position(contentEnd);
            InputStream in = new BoundedInputStream(Channels.newInputStream(channel), envelopeEnd - contentEnd);
            return Optional.of(EnvelopeFiles.read(in, id, keys));
        }
    }

    /**
     * Returns where the embedded envelope stream starts, from the trailer alone, or -1 when the
     * file has no valid trailer. Unlike the readers it needs no intact header, so that
     * {@link SpareFiles} can find the envelope of a file whose content header it has zeroed.
     */
    static long envelopeStart(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < SealedFileFormat.HEADER_OCTETS + TRAILER_OCTETS) {
            return -1;
        }
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_OCTETS);
        while (trailer.hasRemaining()) {
            if (channel.read(trailer, size - TRAILER_OCTETS + trailer.position()) < 0) {
                return -1;
            }
        }
        trailer.flip();
        long length = trailer.getLong();
        byte[] magic = new byte[TRAILER_MAGIC.length];
        trailer.get(magic);
        boolean fits = length >= SealedFileFormat.HEADER_OCTETS
                && length <= size - TRAILER_OCTETS - SealedFileFormat.HEADER_OCTETS;
        return Arrays.equals(magic, TRAILER_MAGIC) && fits ? length : -1;
    }

    private static long contentLength(FileChannel channel, QueueId id) throws IOException {
        long length = envelopeStart(channel);
        if (length < 0) {
            throw new IOException("message file of " + id + " has no valid trailer, or one whose content length"
                    + " does not fit its " + channel.size() + " octets: it is truncated or altered");
        }
        return length;
    }

    /** Ends a stream after a fixed number of octets and closes the underlying stream on close. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int value = in.read();
            if (value >= 0) {
                remaining--;
            }
            return value;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int count = in.read(bytes, offset, (int) Math.min(length, remaining));
            if (count > 0) {
                remaining -= count;
            }
            return count;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
