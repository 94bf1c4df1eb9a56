package org.sealrelay.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the MAC chain and the sequence numbers of an audit log, across its rotated files, and
 * its end against the anchor and against checkpoints taken from the gateway's log.
 *
 * <p>Detected: a changed, removed, inserted or reordered line; a rotated file that is missing,
 * cut short, out of order or given twice; lines cut off the end of the live file up to the
 * anchor's position (or a checkpoint's). A first file that continues from a rotated file not
 * given is accepted only when a {@code file-removed} line in the chain records that file's
 * removal by retention. Not detected: lines cut off the end after the anchor's position on
 * disk (possible only after a power loss or kernel crash, see {@link AuditAnchor}), or a cut
 * together with the anchor replaced by an older copy of itself; checkpoints kept away from the
 * machine cover the second case.
 */
public final class AuditVerifier {
    private AuditVerifier() {
    }

    /**
     * The checks besides the chain itself.
     *
     * @param anchor the anchor file to compare the end with; empty to skip that check
     * @param partial accept a first file that continues from a file not given, and a last file
     *     that ends in a rotation, for checking part of a longer chain
     * @param checkpoints positions from the gateway's {@code audit checkpoint} log lines that the
     *     chain must contain
     */
    public record Checks(Optional<Path> anchor, boolean partial, List<ChainPosition> checkpoints) {
        /** The chain alone, from its first line, without anchor or checkpoints. */
        public static final Checks CHAIN_ONLY = new Checks(Optional.empty(), false, List.of());

        public Checks {
            Objects.requireNonNull(anchor, "anchor");
            checkpoints = List.copyOf(checkpoints);
        }
    }

    /**
     * The outcome of a check.
     *
     * @param verifiedLines lines whose MAC and sequence number are correct, before the first broken one
     * @param brokenFile the file of the first problem; empty when everything verifies
     * @param brokenLine the 1-based line number of the first problem in that file; empty when
     *     everything verifies
     * @param problem what is wrong; empty when nothing is
     * @param notes facts about the check that are not problems, such as where the chain starts
     */
    public record Result(long verifiedLines, Optional<Path> brokenFile, Optional<Long> brokenLine, String problem,
            List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }

        /** Returns whether every check passed. */
        public boolean intact() {
            return brokenLine.isEmpty();
        }
    }

    /**
     * Verifies one file as a whole chain from its first line, without anchor or checkpoints.
     *
     * @throws IOException if the file cannot be read
     */
    public static Result verify(Path file, AuditKey key) throws IOException {
        return verify(List.of(file), key, Checks.CHAIN_ONLY);
    }

    /**
     * Verifies files as one chain, in the order given: the rotated files oldest first, then the live file.
     *
     * @throws IOException if a file cannot be read, or the anchor is invalid
     */
    public static Result verify(List<Path> files, AuditKey key, Checks checks) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no audit log files given");
        }
        return new Walk(files, key, checks).run();
    }

    /** Returns the rotated files of a live log, oldest first. */
    public static List<Path> rotatedFiles(Path live) throws IOException {
        return AuditFiles.rotatedFiles(live);
    }

    /** Returns whether a file name ends like a rotated file's, {@code .yyyyMMddTHHmmssZ}. */
    public static boolean isRotatedName(Path file) {
        return AuditFiles.isRotatedName(file);
    }

    /** Returns the anchor file that the gateway keeps beside a live log. */
    public static Path anchorFor(Path live) {
        return AuditAnchor.pathFor(live);
    }

    /** A problem found, with where it is. */
    private static final class Broken extends Exception {
        final Path file;
        final long line;

        Broken(Path file, long line, String problem) {
            super(problem, null, false, false);
            this.file = file;
            this.line = line;
        }
    }

    /** One pass over the files, keeping the state the checks at the end need. */
    private static final class Walk {
        private final List<Path> files;
        private final AuditKey key;
        private final Checks checks;
        private final List<String> notes = new ArrayList<>();
        /** Sequence numbers of the anchor and checkpoints, mapped to the MAC found in the chain. */
        private final Map<Long, String> wanted = new HashMap<>();
        private final Set<ChainPosition> removedEnds = new HashSet<>();
        private ChainPosition anchor;
        private long verified;
        private long expectedSequence = 1;
        private String previousMac = AuditLog.GENESIS_MAC;
        private long firstSequence = -1;
        private ChainPosition unexplainedStart;
        private String unexplainedStartFile;
        private Broken firstIncident;
        private String lastEvent = "";
        private long linesInLastFile;

        Walk(List<Path> files, AuditKey key, Checks checks) {
            this.files = files;
            this.key = key;
            this.checks = checks;
        }

        Result run() throws IOException {
            for (Path file : files) {
                if (!Files.exists(file)) {
                    throw new IOException(file + ": audit log not found");
                }
            }
            if (checks.anchor().isPresent()) {
                Path anchorFile = checks.anchor().get();
                Optional<ChainPosition> read = AuditAnchor.read(anchorFile, key);
                if (read.isEmpty()) {
                    return result(new Broken(anchorFile, 0, "anchor not found, so lines cut off the end cannot be"
                            + " detected; the gateway keeps it beside the live log, use --no-anchor to check without it"));
                }
                anchor = read.get();
                wanted.put(anchor.sequence(), null);
            }
            for (ChainPosition checkpoint : checks.checkpoints()) {
                wanted.put(checkpoint.sequence(), null);
            }
            try {
                for (int i = 0; i < files.size(); i++) {
                    checkFile(i);
                }
                checkEnds();
            } catch (Broken broken) {
                return result(broken);
            }
            return new Result(verified, Optional.empty(), Optional.empty(), "", notes);
        }

        private Result result(Broken broken) {
            return new Result(verified, Optional.of(broken.file), Optional.of(broken.line), broken.getMessage(), notes);
        }

        private void checkFile(int index) throws IOException, Broken {
            Path file = files.get(index);
            long completeLines = Files.size(file) > 0 && !endsWithNewline(file) ? countLines(file) : -1;
            long number = 0;
            lastEvent = "";
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                String text;
                while ((text = reader.readLine()) != null) {
                    number++;
                    if (number == completeLines + 1) {
                        throw new Broken(file, number, "the line has no line feed at its end: a write was cut short"
                                + " or the file was edited");
                    }
                    checkLine(index, file, number, text);
                }
            }
            linesInLastFile = number;
            if (number == 0 && index < files.size() - 1) {
                throw new Broken(file, 1, "the file is empty, but a rotated file always ends with a file-end line");
            }
            if (index < files.size() - 1 && !lastEvent.equals(ChainEvents.FILE_END)) {
                throw new Broken(file, number + 1, "lines were cut off the end of the file: its last line, seq "
                        + (expectedSequence - 1) + ", is not a file-end line, but " + files.get(index + 1)
                        + " follows it");
            }
        }

        private void checkLine(int index, Path file, long number, String text) throws Broken {
            Optional<AuditLine> parsed = AuditLine.parse(text);
            if (parsed.isEmpty()) {
                throw new Broken(file, number, "not an audit line: expected {\"seq\":N,...,\"mac\":\"64 hex digits\"}");
            }
            AuditLine line = parsed.get();
            String event = line.event();
            if (number == 1) {
                checkFileStart(index, file, line, event);
            }
            if (lastEvent.equals(ChainEvents.FILE_END)) {
                throw new Broken(file, number, "a line follows the file-end line: lines were appended after rotation");
            }
            if (line.sequence() != expectedSequence) {
                throw new Broken(file, number, "sequence number " + line.sequence() + ", expected " + expectedSequence
                        + ": a line was removed or inserted before it");
            }
            if (!key.chainMac(previousMac, line.body()).equals(line.mac())) {
                throw new Broken(file, number, "the MAC does not match: the line was changed, or the line before it"
                        + " was removed, inserted or changed, or the key is not the one the log was written with");
            }
            if (firstSequence < 0) {
                firstSequence = line.sequence();
            }
            verified++;
            expectedSequence++;
            previousMac = line.mac();
            lastEvent = event;
            if (wanted.containsKey(line.sequence())) {
                wanted.put(line.sequence(), line.mac());
            }
            if (event.equals(ChainEvents.FILE_REMOVED)) {
                ChainEvents.removedEnd(line).ifPresent(removedEnds::add);
            } else if (event.equals(ChainEvents.ANCHOR_MISMATCH) && firstIncident == null) {
                firstIncident = new Broken(file, number, incidentText(line));
            }
        }

        private static String incidentText(AuditLine line) {
            String anchorSeq = ChainEvents.mismatchAnchor(line).map(p -> Long.toString(p.sequence())).orElse("?");
            String foundSeq = ChainEvents.mismatchFound(line).map(p -> Long.toString(p.sequence())).orElse("?");
            return "the gateway found at its start (" + line.time() + ") that lines were cut off the end of the log"
                    + " or rewritten: the anchor recorded seq " + anchorSeq + ", but the log ended at seq " + foundSeq
                    + "; the lines after that are lost";
        }

        private void checkFileStart(int index, Path file, AuditLine line, String event) throws Broken {
            boolean isStart = event.equals(ChainEvents.FILE_START);
            if (index > 0 && !isStart) {
                throw new Broken(file, 1, "the file does not begin with a file-start line, so it is not the file"
                        + " that follows " + files.get(index - 1));
            }
            if (!isStart) {
                return;
            }
            ChainPosition previous = ChainEvents.previousOf(line).orElseThrow(() -> new Broken(file, 1,
                    "the file-start line lacks previousSeq and previousMac"));
            String previousName = line.text("previousFile").orElse("?");
            if (index == 0) {
                expectedSequence = previous.sequence() + 1;
                previousMac = previous.mac();
                unexplainedStart = previous;
                unexplainedStartFile = previousName;
                return;
            }
            long ended = expectedSequence - 1;
            if (previous.sequence() != ended || !previous.mac().equals(previousMac)) {
                String cause = previous.sequence() > ended
                        ? "a rotated file between them is missing"
                        : "the files are out of order, or one was given twice";
                throw new Broken(file, 1, "the file continues from seq " + previous.sequence() + " in " + previousName
                        + ", but " + files.get(index - 1) + " ends at seq " + ended + ": " + cause);
            }
        }

        private void checkEnds() throws Broken {
            Path first = files.get(0);
            Path last = files.get(files.size() - 1);
            long end = expectedSequence - 1;
            if (unexplainedStart != null) {
                if (removedEnds.contains(unexplainedStart)) {
                    notes.add("the chain starts at seq " + (unexplainedStart.sequence() + 1) + "; the lines before it"
                            + " were in " + unexplainedStartFile + ", removed under audit.keep-rotated as the log records");
                } else if (checks.partial()) {
                    notes.add("the chain starts at seq " + (unexplainedStart.sequence() + 1) + ", continuing "
                            + unexplainedStartFile + ", which was not checked");
                } else {
                    throw new Broken(first, 1, "the file continues from seq " + unexplainedStart.sequence() + " in "
                            + unexplainedStartFile + ", which was not given and is not recorded as removed: a rotated"
                            + " file is missing; give all rotated files oldest first, or use --partial");
                }
            }
            if (lastEvent.equals(ChainEvents.FILE_END) && !checks.partial()) {
                throw new Broken(last, linesInLastFile + 1, "the last file ends with a file-end line, so the file that"
                        + " followed it is missing; give the live log last, or use --partial");
            }
            if (anchor != null) {
                checkPosition(anchor, "the anchor " + checks.anchor().get(), last, end);
            }
            for (ChainPosition checkpoint : checks.checkpoints()) {
                checkPosition(checkpoint, "checkpoint " + checkpoint.sequence(), last, end);
            }
            if (firstIncident != null) {
                throw firstIncident;
            }
        }

        private void checkPosition(ChainPosition position, String what, Path last, long end) throws Broken {
            if (position.sequence() > end) {
                throw new Broken(last, linesInLastFile + 1, "lines were cut off the end: " + what + " records seq "
                        + position.sequence() + ", but the log ends at seq " + end + " (expected seq "
                        + position.sequence() + ", found " + end + ")");
            }
            if (position.sequence() < firstSequence || firstSequence < 0) {
                notes.add(what + " records seq " + position.sequence() + ", before the files checked");
                return;
            }
            String found = wanted.get(position.sequence());
            if (!position.mac().equals(found)) {
                throw new Broken(last, linesInLastFile + 1, what + " records MAC " + position.mac() + " for seq "
                        + position.sequence() + ", but that line's MAC is " + found
                        + ": the log was rewritten after it, or it belongs to another log");
            }
            if (position.sequence() < end) {
                notes.add(what + " records seq " + position.sequence() + "; the " + (end - position.sequence())
                        + " line(s) after it were written after it or after an unclean stop");
            } else {
                notes.add(what + " matches the last line, seq " + end);
            }
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private static long countLines(Path file) throws IOException {
        long count = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
            }
        }
        return count;
    }
}
