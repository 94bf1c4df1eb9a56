package org.sealrelay.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File names and file operations of the audit log: rotated files are named
 * {@code LIVE.yyyyMMddTHHmmssZ} (UTC), so that sorting the names sorts the files in chain order.
 */
final class AuditFiles {
    private static final Logger log = LoggerFactory.getLogger(AuditFiles.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern STAMP_SHAPE = Pattern.compile("\\d{8}T\\d{6}Z");
    /** Bounds how far back the tail read looks for the last line. */
    private static final int MAX_TAIL_OCTETS = 1 << 20;

    private AuditFiles() {
    }

    /** Returns whether {@code file} is named like a rotated file of some live log. */
    static boolean isRotatedName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && STAMP_SHAPE.matcher(name.substring(dot + 1)).matches();
    }

    /** Returns the rotated files of a live log, oldest first. */
    static List<Path> rotatedFiles(Path live) throws IOException {
        Path directory = live.toAbsolutePath().getParent();
        String prefix = live.getFileName() + ".";
        List<Path> rotated = new ArrayList<>();
        if (directory == null || !Files.isDirectory(directory)) {
            return rotated;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(prefix) && STAMP_SHAPE.matcher(name.substring(prefix.length())).matches()) {
                    rotated.add(live.resolveSibling(name));
                }
            }
        }
        rotated.sort(null);
        return rotated;
    }

    /**
     * Returns the name for the next rotated file: the current UTC second, or one second after
     * the newest rotated file when that is not earlier, so that names stay unique and sorted.
     */
    static Path nextRotatedName(Path live, Instant now, List<Path> rotated) {
        Instant stamp = now.truncatedTo(ChronoUnit.SECONDS);
        if (!rotated.isEmpty()) {
            String newest = rotated.get(rotated.size() - 1).getFileName().toString();
            try {
                Instant newestStamp = STAMP.parse(newest.substring(newest.lastIndexOf('.') + 1), Instant::from);
                if (!stamp.isAfter(newestStamp)) {
                    stamp = newestStamp.plusSeconds(1);
                }
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("rotated audit file " + newest + " has an invalid time in its name;"
                        + " rename or move it", e);
            }
        }
        return live.resolveSibling(live.getFileName() + "." + STAMP.format(stamp));
    }

    /**
     * Returns the last line that ends in LF, or empty for an empty file. An unterminated tail is
     * truncated first, because it is a write that a crash cut short and that was never acknowledged.
     */
    static Optional<String> lastCompleteLine(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return Optional.empty();
        }
        int length = (int) Math.min(size, MAX_TAIL_OCTETS);
        ByteBuffer tail = ByteBuffer.allocate(length);
        channel.read(tail, size - length);
        byte[] octets = tail.array();
        int end = length;
        if (octets[end - 1] != '\n') {
            int lastLf = lastIndexOf(octets, end - 1);
            long keep = lastLf < 0 ? size - length : size - length + lastLf + 1;
            log.warn("audit log {} ends with an unterminated line of {} octets, left by an interrupted write;"
                    + " truncating it", file, size - keep);
            channel.truncate(keep);
            channel.force(true);
            if (lastLf < 0) {
                return Optional.empty();
            }
            end = lastLf + 1;
        }
        int start = lastIndexOf(octets, end - 2) + 1;
        if (start == 0 && size > length) {
            throw new IOException(file + ": the last line is longer than " + MAX_TAIL_OCTETS + " octets");
        }
        return Optional.of(new String(octets, start, end - 1 - start, StandardCharsets.US_ASCII));
    }

    /** Returns the last line of a file that is not written to, without changing it. */
    static Optional<String> lastLineReadOnly(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int length = (int) Math.min(size, MAX_TAIL_OCTETS);
            ByteBuffer tail = ByteBuffer.allocate(length);
            channel.read(tail, size - length);
            byte[] octets = tail.array();
            if (length == 0 || octets[length - 1] != '\n') {
                return Optional.empty();
            }
            int start = lastIndexOf(octets, length - 2) + 1;
            return Optional.of(new String(octets, start, length - 1 - start, StandardCharsets.US_ASCII));
        }
    }

    /** Returns the first line of a file, or empty when it has none. */
    static Optional<String> firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            return Optional.ofNullable(reader.readLine());
        }
    }

    /** Fsyncs a directory, so that a rename, create or delete in it survives a crash. */
    static void forceDirectory(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static int lastIndexOf(byte[] octets, int from) {
        for (int i = from; i >= 0; i--) {
            if (octets[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
