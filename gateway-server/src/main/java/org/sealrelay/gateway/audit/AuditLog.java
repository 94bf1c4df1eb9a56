package org.sealrelay.gateway.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of JSON lines, each ending in a MAC that chains it to the line before.
 *
 * <p>Line format: {@code {"seq":N,"time":"...","event":"...",FIELDS,"mac":"HEX"}} and LF. The
 * MAC is {@link AuditKey#chainMac} over the previous line's MAC (64 zeros before the first
 * line) and this line up to, not including, {@code ,"mac":}. So changing, removing, inserting
 * or reordering a line breaks the chain at that line. Lines cut off the end are detected with
 * the anchor file ({@link AuditAnchor}), and the chain continues across rotated files
 * ({@link ChainWriter}).
 *
 * <p>Group commit: one thread writes every batch that is waiting when it gets to it, fsyncs the
 * file once, then completes the batches' futures. Callers that need an event durable before they
 * act (the 250 reply) wait for their future, and concurrent callers share the fsync. Rotation
 * runs on the same thread between two rounds, so no round straddles two files; batches that
 * arrive meanwhile wait for the next round.
 *
 * <p>A failed write or fsync fails every batch in that round and truncates the file back to
 * where the round started, so the chain stays intact. A failed rotation is logged, and the
 * round goes to whichever file is then open. At open, a last line without its LF (a write that
 * a crash cut short, never acknowledged) is truncated away with a warning.
 */
public final class AuditLog implements AuditSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    static final String GENESIS_MAC = "0".repeat(64);
    static final String MAC_FIELD = ",\"mac\":\"";
    /** Wait after a failed rotation before the next attempt, so a full disk is not retried every round. */
    private static final Duration ROTATION_RETRY_DELAY = Duration.ofMinutes(1);

    private record Batch(List<AuditEvent> events, CompletableFuture<Void> done) {}

    private final Path file;
    private final ChainWriter chain;
    private final Clock clock;
    private final ExecutorService writer;
    private final Queue<Batch> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Used only by the writer thread. */
    private Instant nextRotationAttempt = Instant.MIN;

    private AuditLog(Path file, ChainWriter chain, Clock clock) {
        this.file = file;
        this.chain = chain;
        this.clock = clock;
        this.writer = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "audit-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the log without rotation, creating it with mode 0600 when missing, and continues the
     * chain from its last line.
     *
     * @throws IOException if the file cannot be opened or its last line is not a valid audit line
     */
    public static AuditLog open(Path file, AuditKey key) throws IOException {
        return open(file, key, AuditRotation.NONE, Clock.systemUTC());
    }

    /**
     * Opens the log, creating it and its anchor with mode 0600 when missing, finishes a rotation
     * that a crash interrupted, and continues the chain from its last line.
     *
     * @param rotation when to start a new file and how many rotated files to keep
     * @param clock time of the lines, and of rotation by interval
     * @throws IOException if a file cannot be opened or written, or a last line is not a valid audit line
     */
    public static AuditLog open(Path file, AuditKey key, AuditRotation rotation, Clock clock) throws IOException {
        return new AuditLog(file, ChainWriter.open(file, key, rotation, clock), clock);
    }

    @Override
    public CompletableFuture<Void> append(List<AuditEvent> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (events.isEmpty()) {
            done.complete(null);
            return done;
        }
        pending.add(new Batch(List.copyOf(events), done));
        scheduleDrain();
        return done;
    }

    private void scheduleDrain() {
        if (!drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drainScheduled.set(false);
            failPending(new IOException("audit log " + file + " is closed", e));
        }
    }

    private void drain() {
        try {
            List<Batch> round = new ArrayList<>();
            Batch next;
            while ((next = pending.poll()) != null) {
                round.add(next);
            }
            while (!round.isEmpty()) {
                writeRound(round);
                round.clear();
                while ((next = pending.poll()) != null) {
                    round.add(next);
                }
            }
        } finally {
            drainScheduled.set(false);
            // An append that came after the last poll but before the flag was cleared saw the
            // flag set and scheduled nothing, so look again.
            if (!pending.isEmpty()) {
                scheduleDrain();
            }
        }
    }

    private void writeRound(List<Batch> round) {
        try {
            prepareFile();
            List<AuditEvent> events = new ArrayList<>();
            for (Batch batch : round) {
                events.addAll(batch.events());
            }
            chain.writeLines(events);
        } catch (IOException | RuntimeException e) {
            log.error("audit log {}: writing {} batch(es) failed: {}", file, round.size(), e.toString());
            fail(round, e);
            return;
        }
        // Before the futures complete, so that every acknowledged line is within the anchor; the
        // update is one positional write to the page cache, no fsync.
        chain.updateAnchor();
        for (Batch batch : round) {
            batch.done().complete(null);
        }
    }

    /**
     * Rotates the live file when a limit is reached, and reopens it after a rotation that failed
     * half way. A failed rotation is retried after {@link #ROTATION_RETRY_DELAY}; meanwhile the
     * lines go to the current file.
     *
     * @throws IOException if no live file can be opened
     */
    private void prepareFile() throws IOException {
        if (chain.isOpen() && chain.rotationDue() && !clock.instant().isBefore(nextRotationAttempt)) {
            try {
                chain.rotate();
            } catch (IOException | RuntimeException e) {
                nextRotationAttempt = clock.instant().plus(ROTATION_RETRY_DELAY);
                log.error("audit log {}: rotation failed, retrying in {} s: {}", file,
                        ROTATION_RETRY_DELAY.toSeconds(), e.toString());
            }
        }
        if (!chain.isOpen()) {
            chain.reopen();
        }
    }

    private static void fail(List<Batch> round, Exception failure) {
        for (Batch batch : round) {
            batch.done().completeExceptionally(failure);
        }
    }

    private void failPending(IOException failure) {
        Batch next;
        while ((next = pending.poll()) != null) {
            next.done().completeExceptionally(failure);
        }
    }

    /** Writes the batches already queued, then fsyncs the anchor and closes the files. */
    @Override
    public void close() {
        writer.shutdown();
        boolean stopped = false;
        try {
            stopped = writer.awaitTermination(10, TimeUnit.SECONDS);
            if (!stopped) {
                log.warn("audit log {} still writing after 10 s; closing anyway", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending(new IOException("audit log " + file + " is closed"));
        if (stopped) {
            chain.close();
        }
    }
}
