package org.sealrelay.gateway.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anchor file beside the live audit log ({@code audit.log.anchor}): the position of the
 * last line that the log made durable, so that lines cut off the log's end can be detected.
 *
 * <p>The writer updates it after every group commit's fsync, with one positional write and no
 * fsync of its own. So while the machine runs, readers see the exact end, and the anchor on
 * disk is never ahead of the lines on disk. After a power loss or kernel crash it may lag
 * behind by what the kernel had not yet written back (on Linux about
 * {@code vm.dirty_expire_centisecs} plus {@code vm.dirty_writeback_centisecs}, 35 s by
 * default), and a cut within that lag is not detected.
 *
 * <p>Layout: two slots of {@value #SLOT_OCTETS} octets, written in turn, each
 * {@code sealrelay-audit-anchor 1 SEQ MAC CHECK} padded with spaces and ending in LF. CHECK is
 * an HMAC with the chain key, so nobody without the key can point the anchor at another line.
 * A torn write spoils at most one slot, and the valid slot with the higher sequence number wins.
 */
final class AuditAnchor implements AutoCloseable {
    static final int SLOT_OCTETS = 256;
    private static final Pattern SLOT = Pattern.compile(
            "sealrelay-audit-anchor 1 (\\d{1,18}) ([0-9a-f]{64}) ([0-9a-f]{64}) *\n");

    private final FileChannel channel;
    private final AuditKey key;
    private int nextSlot;

    private AuditAnchor(FileChannel channel, AuditKey key) {
        this.channel = channel;
        this.key = key;
    }

    /** Returns the anchor file of a live audit log: its name with {@code .anchor} appended. */
    static Path pathFor(Path log) {
        return log.resolveSibling(log.getFileName() + ".anchor");
    }

    /**
     * Reads the anchor's position.
     *
     * @return empty when the file does not exist
     * @throws IOException if it cannot be read, or neither slot contains a valid position for this key
     */
    static Optional<ChainPosition> read(Path file, AuditKey key) throws IOException {
        byte[] octets;
        try {
            octets = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        ChainPosition best = null;
        for (int offset = 0; offset + SLOT_OCTETS <= octets.length; offset += SLOT_OCTETS) {
            Matcher slot = SLOT.matcher(new String(octets, offset, SLOT_OCTETS, StandardCharsets.ISO_8859_1));
            if (!slot.matches()) {
                continue;
            }
            ChainPosition position = new ChainPosition(Long.parseLong(slot.group(1)), slot.group(2));
            if (!key.anchorMac(position).equals(slot.group(3))) {
                continue;
            }
            if (best == null || position.sequence() > best.sequence()) {
                best = position;
            }
        }
        if (best == null) {
            throw new IOException(file + ": invalid audit anchor: no slot contains a position whose check"
                    + " matches this key; it was changed, or written with another key");
        }
        return Optional.of(best);
    }

    /** Opens the anchor file for writing, creating it with mode 0600 when missing. */
    static AuditAnchor open(Path file, AuditKey key) throws IOException {
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return new AuditAnchor(channel, key);
    }

    /** Writes the position into the next slot, without fsync. */
    void write(ChainPosition position) throws IOException {
        String text = "sealrelay-audit-anchor 1 " + position.sequence() + " " + position.mac() + " "
                + key.anchorMac(position);
        String slot = text + " ".repeat(SLOT_OCTETS - 1 - text.length()) + "\n";
        ByteBuffer buffer = ByteBuffer.wrap(slot.getBytes(StandardCharsets.US_ASCII));
        long offset = (long) nextSlot * SLOT_OCTETS;
        while (buffer.hasRemaining()) {
            offset += channel.write(buffer, offset);
        }
        nextSlot = 1 - nextSlot;
    }

    /** Writes the position into both slots and fsyncs, for open and close. */
    void writeDurably(ChainPosition position) throws IOException {
        write(position);
        write(position);
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
