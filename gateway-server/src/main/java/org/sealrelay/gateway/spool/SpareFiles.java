package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message files of finished messages, kept in {@code spare/} so that new messages can reuse them
 * instead of creating a file each.
 *
 * <p>Creating a file allocates an inode. On ext4 without a journal, the allocator skips every
 * inode of the block group freed in about the last 30 seconds (ext4's {@code recently_deleted}),
 * so at a thousand messages a second each create walked thousands of inodes: a sixth of the
 * gateway's CPU in a kernel profile. Postfix pays the same for its queue files. Taking a spare
 * file costs two renames and no inode allocation.
 *
 * <p>A file is retired by zeroing the headers of both its streams, content and embedded envelope
 * ({@link MessageFile}), which contain the salts their keys are derived from
 * ({@link SealedFileFormat}), and the trailer that locates the envelope. It is then renamed into
 * {@code spare/}. Without the salts the ciphertext left in the file cannot be decrypted even with
 * the spool key, so a spare file contains nothing readable. Neither the zeroing nor the rename is
 * made durable. After a crash a retired file is either in {@code spare/}, which recovery empties,
 * or still in {@code queue/}. There it has some of those parts zeroed, which recovery recognises
 * ({@link #isRetired}) and deletes, or none, in which case the message is delivered again, as
 * after a removal that a crash undid.
 *
 * <p>The queue manager retires a file only when delivery is finished. A reader that still has it
 * open at reuse, such as a slow {@code queue show}, reads the next message's chunks with the old
 * file key, and they fail their authentication check: it gets an error, never the other
 * message's content.
 *
 * <p>At most {@value #MAX_FILES} files of at most {@value #MAX_FILE_OCTETS} octets each and
 * {@value #MAX_TOTAL_OCTETS} octets together are kept, and other files are deleted. The
 * pool is large so that a burst in which messages arrive faster than they are delivered still
 * finds files freed by the previous one. Thread-safe.
 */
final class SpareFiles {
    static final int MAX_FILES = 4096;
    static final long MAX_FILE_OCTETS = 1024 * 1024;
    static final long MAX_TOTAL_OCTETS = 64L * 1024 * 1024;
    static final String SUFFIX = ".spare";

    private static final Logger log = LoggerFactory.getLogger(SpareFiles.class);

    private final Path directory;
    private final int maxFiles;
    private final long maxTotalOctets;
    private final ConcurrentLinkedQueue<Spare> files = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong totalOctets = new AtomicLong();
    private final AtomicLong names = new AtomicLong();

    /** A file in {@code spare/} and its length when it was retired. */
    private record Spare(Path path, long octets) {
    }

    SpareFiles(Path directory) {
        this(directory, MAX_FILES, MAX_TOTAL_OCTETS);
    }

    SpareFiles(Path directory, int maxFiles, long maxTotalOctets) {
        this.directory = directory;
        this.maxFiles = maxFiles;
        this.maxTotalOctets = maxTotalOctets;
    }

    /**
     * Zeroes the headers and the trailer of a finished message file and moves it to
     * {@code spare/}. Returns false, leaving the file where it is, when the file is missing or
     * larger than {@value #MAX_FILE_OCTETS} octets, or when keeping it would exceed the limits on
     * the number of spare files or their total size. The caller must then delete the file. No
     * reader may have the file open: its next user overwrites it.
     *
     * @throws IOException if a header cannot be overwritten or the rename fails. The file may
     *     then be left with some of its parts zeroed, which recovery treats as removed.
     */
    boolean retire(Path messageFile) throws IOException {
        if (count.incrementAndGet() > maxFiles) {
            count.decrementAndGet();
            return false;
        }
        long reservedOctets = 0;
        boolean retired = false;
        try {
            try (FileChannel channel = FileChannel.open(messageFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long octets = channel.size();
                if (octets > MAX_FILE_OCTETS) {
                    return false;
                }
                if (totalOctets.addAndGet(octets) > maxTotalOctets) {
                    totalOctets.addAndGet(-octets);
                    return false;
                }
                reservedOctets = octets;
                // The trailer is read before anything is zeroed, because it locates the envelope.
                long envelopeStart = MessageFile.envelopeStart(channel);
                writeZeros(channel, 0, SealedFileFormat.HEADER_OCTETS);
                if (envelopeStart >= 0) {
                    writeZeros(channel, envelopeStart, SealedFileFormat.HEADER_OCTETS);
                    writeZeros(channel, octets - MessageFile.TRAILER_OCTETS, MessageFile.TRAILER_OCTETS);
                }
            }
            Path spare = directory.resolve(names.incrementAndGet() + SUFFIX);
            Files.move(messageFile, spare, StandardCopyOption.ATOMIC_MOVE);
            files.add(new Spare(spare, reservedOctets));
            retired = true;
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } finally {
            if (!retired) {
                count.decrementAndGet();
                totalOctets.addAndGet(-reservedOctets);
            }
        }
    }

    /**
     * Renames a spare file to {@code target} and opens it for writing at offset 0, or returns
     * null when there is none. The caller writes the new message over the old octets and must
     * truncate the file to the length it wrote.
     */
    FileChannel take(Path target) {
        Spare next = files.poll();
        if (next == null) {
            return null;
        }
        count.decrementAndGet();
        totalOctets.addAndGet(-next.octets());
        Path spare = next.path();
        try {
            Files.move(spare, target, StandardCopyOption.ATOMIC_MOVE);
            return FileChannel.open(target, StandardOpenOption.WRITE);
        } catch (IOException e) {
            log.warn("could not reuse spare spool file {}; creating a new file instead: {}", spare, e.toString());
            deleteQuietly(spare);
            deleteQuietly(target);
            return null;
        }
    }

    /** Deletes every file in {@code spare/}; recovery calls it before the spool takes new messages. */
    void clear() throws IOException {
        files.clear();
        count.set(0);
        totalOctets.set(0);
        try (var listing = Files.list(directory)) {
            for (Path file : (Iterable<Path>) listing::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    int size() {
        return count.get();
    }

    /**
     * Returns whether a message file has any of the zeroed parts that {@link #retire} leaves: the
     * content header, the trailer, or the envelope header that the trailer locates. A crash can
     * keep any of those writes without the others, and no sealed file has one of them all zero,
     * since the headers and the trailer start with a magic number.
     */
    static boolean isRetired(Path messageFile) throws IOException {
        try (FileChannel channel = FileChannel.open(messageFile, StandardOpenOption.READ)) {
            long size = channel.size();
            if (isZero(channel, 0, SealedFileFormat.HEADER_OCTETS)) {
                return true;
            }
            if (size >= SealedFileFormat.HEADER_OCTETS + MessageFile.TRAILER_OCTETS
                    && isZero(channel, size - MessageFile.TRAILER_OCTETS, MessageFile.TRAILER_OCTETS)) {
                return true;
            }
            long envelopeStart = MessageFile.envelopeStart(channel);
            return envelopeStart >= 0 && isZero(channel, envelopeStart, SealedFileFormat.HEADER_OCTETS);
        }
    }

    /** Returns whether {@code octets} octets at {@code position} exist and are all zero. */
    private static boolean isZero(FileChannel channel, long position, int octets) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(octets);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return false;
            }
        }
        for (int i = 0; i < octets; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static void writeZeros(FileChannel channel, long position, int octets) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(octets);
        while (zeros.hasRemaining()) {
            channel.write(zeros, position + zeros.position());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete {}; recovery deletes it at the next start: {}", file, e.toString());
        }
    }
}
