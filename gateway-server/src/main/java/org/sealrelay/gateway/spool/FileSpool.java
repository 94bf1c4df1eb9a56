package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealrelay.gateway.config.SpoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Spool} on the local file system, encrypted at rest with AES-256-GCM.
 *
 * <p>Each message is one sealed message file that holds the content and the envelope of the
 * commit ({@link MessageFile}), plus a sealed envelope file once its state changes after the
 * commit. {@link SpoolDirectories} describes the layout and {@link SealedFileFormat} the
 * encryption. {@link #close()} waits for commits in progress.
 *
 * <p>Group commit: a commit runs on one of {@value #COMMIT_THREADS} commit threads, which
 * fsyncs the message file in {@code incoming/}. The renames into {@code queue/} and the fsync of
 * that directory are then done by one {@link GroupCommitter} thread for every commit waiting at
 * that moment, and each commit completes only when its batch is durable. Under load a commit
 * costs one file fsync, which the file system can merge with concurrent ones, plus a share of
 * one directory fsync. A message delivered at the first attempt costs no further fsync: its
 * removal is not made durable (see {@link #remove}). The commit thread count bounds how many
 * messages can be in one batch. It is sized for concurrent SMTP sessions waiting at end of data,
 * not for the CPU, because the threads mostly wait for the disk.
 */
public final class FileSpool implements Spool {
    private static final Logger log = LoggerFactory.getLogger(FileSpool.class);
    private static final int COMMIT_THREADS = 16;
    private static final int LOCK_STRIPES = 64;
    private static final long CLOSE_TIMEOUT_SECONDS = 30;

    private final SpoolDirectories directories;
    private final SpoolKeys keys;
    private final ExecutorService commitExecutor;
    private final GroupCommitter groupCommitter;
    private final SpareFiles spares;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private volatile boolean closed;

    private FileSpool(SpoolDirectories directories, SpoolKeys keys) {
        this.directories = directories;
        this.keys = keys;
        this.commitExecutor = Executors.newFixedThreadPool(COMMIT_THREADS, new CommitThreadFactory());
        this.groupCommitter = new GroupCommitter(directories.queue());
        this.spares = new SpareFiles(directories.spare());
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * Opens the spool, creating its directories (mode 0700) and the key file (mode 0600) where
     * missing. Call {@link #recover()} next to clean up after a crash and load the queue.
     *
     * @throws IOException if the key file is accessible to group or others or is malformed, or a
     *     directory cannot be created
     */
    public static FileSpool open(SpoolConfig config) throws IOException {
        SpoolKeys keys = SpoolKeys.loadOrCreate(config.keyFile());
        SpoolDirectories directories = SpoolDirectories.create(config.directory());
        log.info("opened spool {} with current key id {}", directories.root(), keys.currentKeyId());
        return new FileSpool(directories, keys);
    }

    @Override
    public MessageWriter newMessage() throws IOException {
        ensureOpen();
        return FileMessageWriter.create(directories, keys, spares, commitExecutor, groupCommitter);
    }

    @Override
    public InputStream openContent(QueueId id) throws IOException {
        ensureOpen();
        return MessageFile.openContent(directories.queue().resolve(SpoolDirectories.contentName(id)), id, keys);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Outcomes: the new envelope durably replaced the old one, or an IOException with the old
     * envelope still in place. If only the final directory fsync fails, the IOException comes after
     * the rename, so a crash may leave either envelope.
     *
     * @throws NoSuchFileException if the message is not in the spool
     */
    @Override
    public void update(Envelope envelope) throws IOException {
        ensureOpen();
        QueueId id = envelope.id();
        Path queue = directories.queue();
        Path target = queue.resolve(SpoolDirectories.envelopeName(id));
        Path temporary = queue.resolve(SpoolDirectories.envelopeName(id) + SpoolDirectories.TEMPORARY_SUFFIX);
        synchronized (lockFor(id)) {
            Path message = queue.resolve(SpoolDirectories.contentName(id));
            if (!Files.exists(message)) {
                throw new NoSuchFileException(message.toString(), null, "message " + id + " is not in the spool");
            }
            Files.deleteIfExists(temporary);
            EnvelopeFiles.write(temporary, envelope, keys);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                EnvelopeFiles.deleteQuietly(temporary, e);
                throw e;
            }
            SpoolDirectories.fsyncDirectory(queue);
        }
        log.debug("{}: envelope updated", id);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The message file goes first, so a crash midway leaves at most an envelope file without
     * its message file, which recovery deletes. The removal is not fsynced, as in Postfix: if a
     * crash undoes it, the message is delivered again, which trades a possible duplicate after a
     * crash for one directory fsync less per message. With the older two-file layout the same
     * order holds, because an envelope file without content counts as removed too.
     */
    @Override
    public void remove(QueueId id) throws IOException {
        remove(id, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The message file is kept in {@code spare/} for the next message when {@link SpareFiles}
     * takes it, and deleted otherwise.
     */
    @Override
    public void removeFinished(QueueId id) throws IOException {
        remove(id, true);
    }

    private void remove(QueueId id, boolean reusable) throws IOException {
        ensureOpen();
        Path queue = directories.queue();
        synchronized (lockFor(id)) {
            Path message = queue.resolve(SpoolDirectories.contentName(id));
            boolean retired = false;
            if (reusable) {
                try {
                    retired = spares.retire(message);
                } catch (IOException e) {
                    log.warn("{}: could not keep the message file for reuse; deleting it: {}", id, e.toString());
                }
            }
            String messageFile = "kept for reuse";
            if (!retired) {
                messageFile = Files.deleteIfExists(message) ? "deleted" : "absent";
            }
            boolean removedEnvelope = Files.deleteIfExists(queue.resolve(SpoolDirectories.envelopeName(id)));
            log.debug("{}: removed (message file {}, envelope file {})", id, messageFile,
                    removedEnvelope ? "deleted" : "absent");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Call it once at start, before any {@link #newMessage()}, because it deletes every file in
     * {@code incoming/}, including those of writers still open. Outcomes: the committed envelopes,
     * or an IOException when a directory cannot be listed or a file cannot be deleted or moved.
     * After an IOException a second call is safe, because every step can be repeated.
     */
    @Override
    public List<Envelope> recover() throws IOException {
        ensureOpen();
        spares.clear();
        return new SpoolRecovery(directories, keys).run();
    }

    /**
     * Rejects new commits and waits up to 30 seconds for commits in progress to finish, then up
     * to 30 seconds more for the group commit thread.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        commitExecutor.shutdown();
        try {
            if (!commitExecutor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("spool {}: commits still running after {} s; closing anyway", directories.root(),
                        CLOSE_TIMEOUT_SECONDS);
            }
            // Only now, because the commit threads awaited above wait for the group commit thread.
            groupCommitter.close(CLOSE_TIMEOUT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for spool commits to finish", e);
        }
        log.info("closed spool {}", directories.root());
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("spool " + directories.root() + " is closed");
        }
    }

    private Object lockFor(QueueId id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }

    private static final class CommitThreadFactory implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "spool-commit-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
