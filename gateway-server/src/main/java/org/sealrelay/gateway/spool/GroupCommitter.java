package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * Moves fsynced message files from {@code incoming/} into {@code queue/} in batches, so that
 * concurrent commits share one directory fsync instead of paying one each.
 *
 * <p>One thread publishes. A batch is every publication queued when the thread gets to it, up
 * to {@link #MAX_BATCH}: rename all files, fsync {@code queue/}, then complete each
 * publication's future. So the rule of {@link FileMessageWriter} holds for every member: its
 * future completes only after its rename is durable. Nothing waits for a batch to fill: a lone commit is published at once, and commits
 * that arrive while a batch is being fsynced form the next one.
 *
 * <p>A failed rename fails only that message. A failed directory fsync fails every message of
 * the batch whose rename came before it, because none of them is known to be durable. The
 * caller deletes a failed message's files.
 */
final class GroupCommitter {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    /** Caps one batch, so the first message of a huge backlog does not wait for all of it. */
    static final int MAX_BATCH = 128;

    /** The file of one message; the incoming file must already be fsynced. */
    record Publication(Path incoming, Path queued, CompletableFuture<Void> done) {}

    private final Path queueDirectory;
    private final ExecutorService thread;
    private final Queue<Publication> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    GroupCommitter(Path queueDirectory) {
        this.queueDirectory = queueDirectory;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread publisher = new Thread(task, "spool-group-commit");
            publisher.setDaemon(true);
            return publisher;
        });
    }

    /**
     * Queues a message file's rename. The future completes when the rename is durable, or
     * exceptionally when the rename or the directory fsync failed or the committer is closed.
     */
    CompletableFuture<Void> publish(Path incoming, Path queued) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(new Publication(incoming, queued, done));
        scheduleDrain();
        return done;
    }

    /**
     * Stops after the publications already queued. Call it only once no commit can call
     * {@link #publish} any more.
     */
    void close(long timeoutSeconds) throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(timeoutSeconds, TimeUnit.SECONDS)) {
            log.warn("spool group commit still running after {} s; closing anyway", timeoutSeconds);
        }
        failPending(new IOException("spool is closed"));
    }

    private void scheduleDrain() {
        if (!drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drainScheduled.set(false);
            failPending(new IOException("spool is closed", e));
        }
    }

    private void drain() {
        try {
            List<Publication> batch = takeBatch();
            while (!batch.isEmpty()) {
                publishBatch(batch);
                batch = takeBatch();
            }
        } finally {
            drainScheduled.set(false);
            // A publication added after the last takeBatch but before the flag was cleared
            // found the flag set and did not schedule a drain, so check again here.
            if (!pending.isEmpty()) {
                scheduleDrain();
            }
        }
    }

    private List<Publication> takeBatch() {
        List<Publication> batch = new ArrayList<>();
        Publication next;
        while (batch.size() < MAX_BATCH && (next = pending.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void publishBatch(List<Publication> batch) {
        List<Publication> moved = new ArrayList<>(batch.size());
        for (Publication publication : batch) {
            if (move(publication.incoming(), publication.queued(), publication)) {
                moved.add(publication);
            }
        }
        if (!fsyncQueue(moved)) {
            return;
        }
        for (Publication publication : moved) {
            publication.done().complete(null);
        }
        log.debug("published {} messages with one directory fsync", moved.size());
    }

    private static boolean move(Path from, Path to, Publication publication) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException | RuntimeException e) {
            publication.done().completeExceptionally(e);
            return false;
        }
    }

    /** Fsyncs {@code queue/} for the given members; on failure fails all of them. */
    private boolean fsyncQueue(List<Publication> members) {
        if (members.isEmpty()) {
            return false;
        }
        try {
            SpoolDirectories.fsyncDirectory(queueDirectory);
            return true;
        } catch (IOException | RuntimeException e) {
            for (Publication publication : members) {
                publication.done().completeExceptionally(e);
            }
            return false;
        }
    }

    private void failPending(IOException failure) {
        Publication next;
        while ((next = pending.poll()) != null) {
            next.done().completeExceptionally(failure);
        }
    }
}
