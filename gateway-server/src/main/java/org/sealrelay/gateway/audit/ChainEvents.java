package org.sealrelay.gateway.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * The lines that the audit log writes about itself, so that the chain can be followed across
 * rotated files and a removal by retention can be distinguished from a missing file:
 *
 * <ul>
 *   <li>{@code file-end}: the last line of a file before it is rotated;
 *   <li>{@code file-start}: the first line of every file after the first, naming the rotated
 *       file and the position it ended at;
 *   <li>{@code file-removed}: a rotated file that retention ({@code audit.keep-rotated}) is about
 *       to delete, with the position of its last line;
 *   <li>{@code anchor-mismatch}: found at open, the anchor recorded a position that the log no
 *       longer contains, so lines were cut off its end.
 * </ul>
 */
final class ChainEvents {
    static final String FILE_START = "file-start";
    static final String FILE_END = "file-end";
    static final String FILE_REMOVED = "file-removed";
    static final String ANCHOR_MISMATCH = "anchor-mismatch";

    private ChainEvents() {
    }

    static AuditEvent fileStart(Instant time, String previousFile, ChainPosition previous) {
        return new AuditEvent(FILE_START, time).with("previousFile", previousFile)
                .with("previousSeq", previous.sequence()).with("previousMac", previous.mac());
    }

    static AuditEvent fileEnd(Instant time) {
        return new AuditEvent(FILE_END, time);
    }

    static AuditEvent fileRemoved(Instant time, String file, ChainPosition last) {
        return new AuditEvent(FILE_REMOVED, time).with("file", file).with("lastSeq", last.sequence())
                .with("lastMac", last.mac());
    }

    static AuditEvent anchorMismatch(Instant time, ChainPosition anchor, ChainPosition found) {
        return new AuditEvent(ANCHOR_MISMATCH, time).with("anchorSeq", anchor.sequence())
                .with("anchorMac", anchor.mac()).with("foundSeq", found.sequence()).with("foundMac", found.mac());
    }

    /** Returns the position a {@code file-start} line continues from, or empty when it lacks one. */
    static Optional<ChainPosition> previousOf(AuditLine line) {
        return position(line, "previousSeq", "previousMac");
    }

    /** Returns the last position of the file a {@code file-removed} line names. */
    static Optional<ChainPosition> removedEnd(AuditLine line) {
        return position(line, "lastSeq", "lastMac");
    }

    /** Returns the anchor position an {@code anchor-mismatch} line records. */
    static Optional<ChainPosition> mismatchAnchor(AuditLine line) {
        return position(line, "anchorSeq", "anchorMac");
    }

    /** Returns the log end an {@code anchor-mismatch} line records. */
    static Optional<ChainPosition> mismatchFound(AuditLine line) {
        return position(line, "foundSeq", "foundMac");
    }

    private static Optional<ChainPosition> position(AuditLine line, String sequenceField, String macField) {
        Optional<Long> sequence = line.number(sequenceField);
        Optional<String> mac = line.text(macField);
        if (sequence.isEmpty() || mac.isEmpty() || !mac.get().matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        return Optional.of(new ChainPosition(sequence.get(), mac.get()));
    }
}
