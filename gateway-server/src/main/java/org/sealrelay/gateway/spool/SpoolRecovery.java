package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores the spool after a start or a crash: removes what was never acknowledged, loads every
 * committed envelope, and moves records that fail their integrity check to {@code corrupt/}.
 *
 * <p>Only envelopes are verified here. Content is verified when it is read, because reading every
 * message at start would make start time grow with the queue.
 */
final class SpoolRecovery {
    private static final Logger log = LoggerFactory.getLogger(SpoolRecovery.class);

    private static final int READ_THREADS = 8;

    private final SpoolDirectories directories;
    private final SpoolKeys keys;

    SpoolRecovery(SpoolDirectories directories, SpoolKeys keys) {
        this.directories = directories;
        this.keys = keys;
    }

    /** Runs recovery and returns the committed envelopes in queue id order. */
    List<Envelope> run() throws IOException {
        removeIncoming();
        Path queue = directories.queue();
        TreeSet<QueueId> contentIds = new TreeSet<>();
        TreeSet<QueueId> envelopeIds = new TreeSet<>();
        for (Path file : list(queue)) {
            Optional<QueueId> content = SpoolDirectories.idOf(file, SpoolDirectories.CONTENT_SUFFIX);
            Optional<QueueId> envelope = SpoolDirectories.idOf(file, SpoolDirectories.ENVELOPE_SUFFIX);
            if (content.isPresent()) {
                contentIds.add(content.get());
            } else if (envelope.isPresent()) {
                envelopeIds.add(envelope.get());
            } else if (file.getFileName().toString().endsWith(SpoolDirectories.TEMPORARY_SUFFIX)) {
                // An envelope replacement that did not reach its rename; the old envelope is still in place.
                Files.deleteIfExists(file);
                log.info("removed unfinished envelope update {}", file.getFileName());
            } else {
                log.warn("ignoring unexpected file {} in spool directory {}", file.getFileName(), queue);
            }
        }

        boolean removedAny = false;
        for (QueueId id : envelopeIds) {
            if (!contentIds.contains(id)) {
                // remove() deletes the message file first, so this is a removal a crash interrupted.
                Files.deleteIfExists(queue.resolve(SpoolDirectories.envelopeName(id)));
                log.info("{}: removed envelope file without a message file (removed just before a crash)", id);
                removedAny = true;
            }
        }

        Map<QueueId, Future<Optional<Envelope>>> reads = readEnvelopes(contentIds, envelopeIds);
        List<Envelope> envelopes = new ArrayList<>(contentIds.size());
        for (Map.Entry<QueueId, Future<Optional<Envelope>>> read : reads.entrySet()) {
            QueueId id = read.getKey();
            Optional<Envelope> envelope;
            try {
                envelope = await(read.getValue());
            } catch (RetiredFileException e) {
                // removeFinished zeroes parts of the file before the rename to spare/, and the crash
                // kept some of that zeroing without the rename.
                Files.deleteIfExists(queue.resolve(SpoolDirectories.contentName(id)));
                Files.deleteIfExists(queue.resolve(SpoolDirectories.envelopeName(id)));
                log.info("{}: removed message file retired for reuse (delivery finished just before a crash)", id);
                removedAny = true;
                continue;
            } catch (IOException e) {
                // The exception messages name queue ids, files and positions, never envelope fields.
                log.error("{}: envelope failed its integrity check; moving the message to {}: {}", id,
                        directories.corrupt(), e.getMessage());
                quarantine(id);
                continue;
            }
            if (envelope.isEmpty()) {
                // A content file of the older layout never got its envelope: it was never acknowledged.
                Files.deleteIfExists(queue.resolve(SpoolDirectories.contentName(id)));
                log.info("{}: removed content without an envelope (never committed, or removed just before a crash)", id);
                removedAny = true;
                continue;
            }
            envelopes.add(envelope.get());
        }
        if (removedAny) {
            SpoolDirectories.fsyncDirectory(queue);
        }
        envelopes.sort(Comparator.comparing(Envelope::id));
        log.info("spool recovery found {} committed messages", envelopes.size());
        return envelopes;
    }

    /**
     * Reads the newest envelope of every message, {@value #READ_THREADS} files at a time: its
     * envelope file if it has one, else the envelope embedded in its message file. With a cold
     * page cache each read waits for the disk, and parallel reads keep the device queue busy.
     */
    private Map<QueueId, Future<Optional<Envelope>>> readEnvelopes(TreeSet<QueueId> messageIds,
            TreeSet<QueueId> envelopeFileIds) {
        Path queue = directories.queue();
        ExecutorService readers = Executors.newFixedThreadPool(READ_THREADS, task -> {
            Thread thread = new Thread(task, "spool-recovery");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<QueueId, Future<Optional<Envelope>>> reads = new LinkedHashMap<>();
            for (QueueId id : messageIds) {
                boolean hasEnvelopeFile = envelopeFileIds.contains(id);
                reads.put(id, readers.submit(() -> readEnvelope(queue, id, hasEnvelopeFile)));
            }
            return reads;
        } finally {
            // Runs the submitted reads to the end, then lets the threads exit.
            readers.shutdown();
        }
    }

    /**
     * Reads the newest envelope of one message.
     *
     * @throws RetiredFileException if the message file has the zeroed parts of a file that was
     *     being kept for reuse when the gateway stopped ({@link SpareFiles})
     */
    private Optional<Envelope> readEnvelope(Path queue, QueueId id, boolean hasEnvelopeFile) throws IOException {
        Path message = queue.resolve(SpoolDirectories.contentName(id));
        if (hasEnvelopeFile) {
            // The envelope file would hide the zeroed header until delivery opened the content.
            if (SpareFiles.isRetired(message)) {
                throw new RetiredFileException();
            }
            return Optional.of(EnvelopeFiles.read(queue.resolve(SpoolDirectories.envelopeName(id)), id, keys));
        }
        try {
            return MessageFile.readEmbeddedEnvelope(message, id, keys);
        } catch (IOException e) {
            if (SpareFiles.isRetired(message)) {
                throw new RetiredFileException();
            }
            throw e;
        }
    }

    /** A message file that was finished and being kept for reuse: removed, not corrupt. */
    private static final class RetiredFileException extends IOException {
        RetiredFileException() {
            super("message file was retired for reuse");
        }
    }

    private static Optional<Envelope> await(Future<Optional<Envelope>> read) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading envelopes during spool recovery");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("reading an envelope failed", e.getCause());
        }
    }

    // Moves the envelope file, then the message file: a crash midway leaves the message file in
    // queue/, where the next start checks it again, rather than an envelope file that recovery
    // would take for an interrupted removal and delete.
    private void quarantine(QueueId id) throws IOException {
        for (String name : List.of(SpoolDirectories.envelopeName(id), SpoolDirectories.contentName(id))) {
            Path source = directories.queue().resolve(name);
            if (Files.exists(source)) {
                moveWithoutReplacing(source, directories.corrupt().resolve(name));
            }
        }
        SpoolDirectories.fsyncDirectory(directories.corrupt());
        SpoolDirectories.fsyncDirectory(directories.queue());
    }

    private static void moveWithoutReplacing(Path source, Path target) throws IOException {
        Path destination = target;
        for (int attempt = 1; Files.exists(destination); attempt++) {
            destination = target.resolveSibling(target.getFileName() + "." + attempt);
        }
        try {
            Files.move(source, destination, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot move " + source + " to " + destination + ": target exists", e);
        }
    }

    private void removeIncoming() throws IOException {
        int removed = 0;
        for (Path file : list(directories.incoming())) {
            Files.deleteIfExists(file);
            removed++;
            log.info("removed unfinished incoming file {}", file.getFileName());
        }
        if (removed > 0) {
            SpoolDirectories.fsyncDirectory(directories.incoming());
        }
    }

    private static List<Path> list(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        return files;
    }
}
