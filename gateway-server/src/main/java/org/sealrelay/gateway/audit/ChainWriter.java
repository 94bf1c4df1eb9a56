package org.sealrelay.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files behind {@link AuditLog}: the live file, its rotated predecessors and the anchor.
 * Every method except {@link #open} runs on the audit writer thread.
 *
 * <p>Rotation writes a {@code file-end} line and fsyncs it, renames the live file to
 * {@code LIVE.yyyyMMddTHHmmssZ}, then creates a new live file whose first line,
 * {@code file-start}, repeats the position the rotated file ended at; both are fsynced with the
 * directory before the next line is written. A crash between any two steps leaves a state that
 * {@link #open} completes: a live file that ends in {@code file-end} is renamed, and a missing
 * or empty live file continues the chain from the newest rotated file.
 *
 * <p>Retention records each file it is about to delete in a {@code file-removed} line, written
 * and fsynced with the new file's first line, and deletes it only afterwards, so that the
 * verifier can tell a removed file from a missing one.
 */
final class ChainWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChainWriter.class);
    /** Minimum time between two periodic checkpoint lines in the application log. */
    static final Duration CHECKPOINT_LOG_INTERVAL = Duration.ofMinutes(5);

    private final Path file;
    private final AuditKey key;
    private final AuditRotation rotation;
    private final Clock clock;
    private FileChannel channel;
    private AuditAnchor anchor;
    private long lastSequence;
    private String lastMac = AuditLog.GENESIS_MAC;
    private long fileSize;
    private Instant fileStart;
    private Instant lastCheckpointLog = Instant.MIN;
    private boolean anchorFailureLogged;

    private ChainWriter(Path file, AuditKey key, AuditRotation rotation, Clock clock) {
        this.file = file;
        this.key = key;
        this.rotation = rotation;
        this.clock = clock;
    }

    /** A live file ready for appending, with the lines it still needs and the files retention removes. */
    private record Opened(List<AuditEvent> startLines, List<Path> removable) {}

    /**
     * Opens the live file, completing an interrupted rotation, and checks the chain's end
     * against the anchor. A mismatch does not stop the open: it is logged as an error and
     * recorded in the chain as an {@code anchor-mismatch} line, which the verifier reports.
     *
     * @throws IOException if a file cannot be opened or written, or a last line is not an audit line
     */
    static ChainWriter open(Path file, AuditKey key, AuditRotation rotation, Clock clock) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChainWriter writer = new ChainWriter(file, key, rotation, clock);
        try {
            Path anchorFile = AuditAnchor.pathFor(file);
            Optional<ChainPosition> anchored = readAnchor(anchorFile, key);
            Opened opened = writer.openLive();
            List<AuditEvent> startLines = new ArrayList<>(opened.startLines());
            ChainPosition found = writer.position();
            if (anchored.isPresent() && writer.contradicts(anchored.get())) {
                log.error("audit log {}: lines were cut off its end or rewritten: the anchor {} records {}, which the"
                        + " log, ending at seq {}, does not contain; recording this in the log as an anchor-mismatch"
                        + " line", file, anchorFile, anchored.get(), found.sequence());
                startLines.add(ChainEvents.anchorMismatch(clock.instant(), anchored.get(), found));
            } else if (anchored.isEmpty() && found.sequence() > 0 && Files.notExists(anchorFile)) {
                log.warn("audit log {}: anchor {} is missing, so lines cut off the end before this start cannot be"
                        + " detected; creating it at seq {}", file, anchorFile, found.sequence());
            }
            writer.writeLines(startLines);
            writer.remove(opened.removable());
            writer.anchor = AuditAnchor.open(anchorFile, key);
            writer.anchor.writeDurably(writer.position());
            AuditFiles.forceDirectory(file);
            writer.logCheckpoint("open");
            return writer;
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private static Optional<ChainPosition> readAnchor(Path anchorFile, AuditKey key) {
        try {
            return AuditAnchor.read(anchorFile, key);
        } catch (IOException e) {
            log.error("audit anchor {} cannot be used, so lines cut off the log's end before this start cannot be"
                    + " detected; replacing it: {}", anchorFile, e.getMessage());
            return Optional.empty();
        }
    }

    /** Returns whether an anchor names a position that the chain, as found, does not contain. */
    private boolean contradicts(ChainPosition anchored) throws IOException {
        if (anchored.sequence() > lastSequence) {
            return true;
        }
        if (anchored.sequence() == lastSequence) {
            return !anchored.mac().equals(lastMac);
        }
        // The anchor lags, as it may after a power loss: check the line it names if the live file has it.
        Optional<String> mac = macInLiveFile(anchored.sequence());
        return mac.isPresent() && !mac.get().equals(anchored.mac());
    }

    private Optional<String> macInLiveFile(long sequence) throws IOException {
        String prefix = "{\"seq\":" + sequence + ",";
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return AuditLine.parse(line).map(AuditLine::mac);
                }
            }
        }
        return Optional.empty();
    }

    /** Opens or creates the live file and sets the chain position from its end or from the newest rotated file. */
    private Opened openLive() throws IOException {
        if (Files.exists(file)) {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
            Optional<String> last = AuditFiles.lastCompleteLine(file, channel);
            if (last.isPresent()) {
                AuditLine line = parseOrFail(file, last.get());
                if (!line.event().equals(ChainEvents.FILE_END)) {
                    continueFrom(line);
                    fileSize = channel.size();
                    channel.position(fileSize);
                    fileStart = firstLineTime().orElse(clock.instant());
                    return new Opened(List.of(), List.of());
                }
                // A rotation stopped after its file-end line: finish it.
                channel.close();
                channel = null;
                Path target = AuditFiles.nextRotatedName(file, clock.instant(), AuditFiles.rotatedFiles(file));
                log.info("audit log {} ends with a file-end line from an interrupted rotation; renaming it to {}",
                        file, target.getFileName());
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                AuditFiles.forceDirectory(file);
            }
        }

        // The live file is new or empty: continue from the newest rotated file, if there is one.
        if (channel == null) {
            channel = createLiveFile();
        }
        channel.position(channel.size());
        fileSize = channel.size();
        fileStart = clock.instant();
        List<Path> rotated = AuditFiles.rotatedFiles(file);
        if (rotated.isEmpty()) {
            lastSequence = 0;
            lastMac = AuditLog.GENESIS_MAC;
            return new Opened(List.of(), List.of());
        }

        Path previous = rotated.get(rotated.size() - 1);
        AuditLine previousEnd = parseOrFail(previous, AuditFiles.lastLineReadOnly(previous).orElse(""));
        if (!previousEnd.event().equals(ChainEvents.FILE_END)) {
            log.warn("audit log {}: the newest rotated file {} does not end with a file-end line; continuing the"
                    + " chain from its last line, seq {}", file, previous.getFileName(), previousEnd.sequence());
        }
        continueFrom(previousEnd);
        List<AuditEvent> startLines = new ArrayList<>();
        startLines.add(ChainEvents.fileStart(fileStart, previous.getFileName().toString(), previousEnd.position()));
        List<Path> removable = new ArrayList<>();
        addRemovals(rotated, startLines, removable);
        return new Opened(startLines, removable);
    }

    /** Adds the rotated files beyond {@code audit.keep-rotated}, oldest first, with a {@code file-removed} line each. */
    private void addRemovals(List<Path> rotated, List<AuditEvent> startLines, List<Path> removable) throws IOException {
        int excess = rotation.keepRotated() == 0 ? 0 : rotated.size() - rotation.keepRotated();
        for (Path old : rotated.subList(0, Math.max(0, excess))) {
            Optional<AuditLine> oldEnd = AuditFiles.lastLineReadOnly(old).flatMap(AuditLine::parse);
            if (oldEnd.isEmpty()) {
                log.error("audit log {}: not removing {} under audit.keep-rotated, because its last line is not an"
                        + " audit line; check it with 'sealrelay audit verify'", file, old);
                return;
            }
            startLines.add(ChainEvents.fileRemoved(fileStart, old.getFileName().toString(), oldEnd.get().position()));
            removable.add(old);
        }
    }

    private FileChannel createLiveFile() throws IOException {
        try {
            return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " was created by another process while the audit log was opening it", e);
        }
    }

    private static AuditLine parseOrFail(Path path, String line) throws IOException {
        return AuditLine.parse(line).orElseThrow(() -> new IOException(path
                + ": the last line is not a valid audit line; check the file with 'sealrelay audit verify "
                + path + "'"));
    }

    private void continueFrom(AuditLine line) {
        lastSequence = line.sequence();
        lastMac = line.mac();
    }

    private Optional<Instant> firstLineTime() throws IOException {
        try {
            return AuditFiles.firstLine(file).flatMap(AuditLine::parse).map(AuditLine::time).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Returns the position of the last line written. */
    ChainPosition position() {
        return new ChainPosition(lastSequence, lastMac);
    }

    /** Returns whether the live file is open; false after a rotation failed half way. */
    boolean isOpen() {
        return channel != null;
    }

    /**
     * Reopens the live file after a failed rotation, through the same steps as a start.
     *
     * @throws IOException if that fails too
     */
    void reopen() throws IOException {
        try {
            Opened opened = openLive();
            writeLines(opened.startLines());
            remove(opened.removable());
            AuditFiles.forceDirectory(file);
        } catch (IOException | RuntimeException e) {
            // Closed, so that the next attempt starts from the files again instead of appending
            // to a live file that may lack its file-start line.
            closeLive();
            throw e;
        }
        updateAnchor();
    }

    private void closeLive() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing audit log {} after a failed rotation failed: {}", file, e.toString());
        }
        channel = null;
    }

    /**
     * Appends the events as chained lines and fsyncs the file. On failure the file is truncated
     * back to where it was and the chain position restored, so the next write continues the chain.
     */
    void writeLines(List<AuditEvent> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        long sequenceBefore = lastSequence;
        String macBefore = lastMac;
        long sizeBefore = fileSize;
        try {
            StringBuilder lines = new StringBuilder(events.size() * 300);
            for (AuditEvent event : events) {
                lastSequence++;
                String body = event.jsonBody(lastSequence);
                lastMac = key.chainMac(lastMac, body);
                lines.append(body).append(AuditLog.MAC_FIELD).append(lastMac).append("\"}\n");
            }
            ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
            int octets = buffer.remaining();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            fileSize = sizeBefore + octets;
        } catch (IOException | RuntimeException e) {
            lastSequence = sequenceBefore;
            lastMac = macBefore;
            try {
                channel.truncate(sizeBefore);
                channel.position(sizeBefore);
            } catch (IOException truncateFailure) {
                e.addSuppressed(truncateFailure);
                log.error("audit log {}: truncating a failed write failed; the chain may be broken at the end", file);
            }
            throw e;
        }
    }

    /**
     * Records the durable end in the anchor (no fsync) and, at most every
     * {@link #CHECKPOINT_LOG_INTERVAL}, in the application log. A failure is logged once; the
     * lines are durable either way.
     */
    void updateAnchor() {
        try {
            anchor.write(position());
            anchorFailureLogged = false;
        } catch (IOException e) {
            if (!anchorFailureLogged) {
                log.error("audit anchor for {} cannot be written, so a cut at the log's end will not be detected"
                        + " until it can: {}", file, e.toString());
                anchorFailureLogged = true;
            }
        }
        if (!clock.instant().isBefore(lastCheckpointLog.plus(CHECKPOINT_LOG_INTERVAL))) {
            logCheckpoint("periodic");
        }
    }

    /** Returns whether the next write should go to a new file. */
    boolean rotationDue() {
        if (lastSequence == 0 && fileSize == 0) {
            return false;
        }
        if (rotation.maxSize() > 0 && fileSize >= rotation.maxSize()) {
            return true;
        }
        if (rotation.interval().isZero()) {
            return false;
        }
        long period = rotation.interval().toMillis();
        return Math.floorDiv(clock.millis(), period) != Math.floorDiv(fileStart.toEpochMilli(), period);
    }

    /**
     * Ends the live file, renames it and starts a new one. If the rename fails the file-end line
     * is taken back and the live file stays; if a later step fails the live file is closed and
     * {@link #reopen} finishes the rotation.
     *
     * @throws IOException if a step fails
     */
    void rotate() throws IOException {
        long sizeBefore = fileSize;
        ChainPosition before = position();
        writeLines(List.of(ChainEvents.fileEnd(clock.instant())));
        Path target = AuditFiles.nextRotatedName(file, clock.instant(), AuditFiles.rotatedFiles(file));
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                channel.truncate(sizeBefore);
                channel.position(sizeBefore);
                channel.force(false);
                lastSequence = before.sequence();
                lastMac = before.mac();
                fileSize = sizeBefore;
            } catch (IOException undo) {
                // The file-end line stays, so no line may follow it in this file: closed, the
                // live file is renamed by reopen() as after a crash at this point.
                e.addSuppressed(undo);
                closeLive();
            }
            throw e;
        }
        log.info("audit log {} rotated to {} at seq {}", file, target.getFileName(), lastSequence);
        FileChannel old = channel;
        channel = null;
        old.close();
        AuditFiles.forceDirectory(file);
        reopen();
        logCheckpoint("rotation");
    }

    /**
     * Deletes files whose removal the log already records. A failure is logged and not thrown,
     * because the file stays a valid part of the chain and the next rotation tries again.
     */
    private void remove(List<Path> removable) {
        for (Path old : removable) {
            try {
                Files.deleteIfExists(old);
                log.info("audit log {}: removed {} under audit.keep-rotated={}", file, old.getFileName(),
                        rotation.keepRotated());
            } catch (IOException e) {
                log.error("audit log {}: removing {} under audit.keep-rotated failed, retrying at the next"
                        + " rotation: {}", file, old.getFileName(), e.toString());
            }
        }
    }

    private void logCheckpoint(String reason) {
        lastCheckpointLog = clock.instant();
        log.info("audit checkpoint ({}): file={} position={}", reason, file, position());
    }

    /** Fsyncs the anchor at the final position and closes the files. */
    @Override
    public void close() {
        try {
            if (anchor != null) {
                if (channel != null) {
                    anchor.writeDurably(position());
                    logCheckpoint("stop");
                }
                anchor.close();
            }
        } catch (IOException e) {
            log.error("audit anchor for {}: final update failed: {}", file, e.toString());
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.error("closing audit log {} failed: {}", file, e.toString());
        }
    }
}
