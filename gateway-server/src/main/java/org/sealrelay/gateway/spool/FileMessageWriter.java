package org.sealrelay.gateway.spool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one message file (see {@link MessageFile}) into {@code incoming/} and commits it into
 * {@code queue/}.
 *
 * <p>Commit order: seal the last content chunk, append the sealed envelope and the trailer, fsync
 * the file, rename it into {@code queue/} and fsync that directory. Only a complete, fsynced file
 * is ever renamed, so a message file in {@code queue/} was committed, and whatever is left in
 * {@code incoming/} after a crash was never acknowledged. The file fsync runs on the calling
 * commit thread; the rename and the directory fsync run in a {@link GroupCommitter} batch shared
 * with concurrent commits, and the commit thread waits for that batch.
 */
final class FileMessageWriter implements MessageWriter {
    private static final Logger log = LoggerFactory.getLogger(FileMessageWriter.class);

    private enum State { OPEN, COMMITTING, COMMITTED, FAILED, ABORTED }

    private final QueueId id;
    private final SpoolDirectories directories;
    private final SpoolKeys keys;
    private final Executor commitExecutor;
    private final GroupCommitter groupCommitter;
    private final Path incomingContent;
    private final Path queuedContent;
    private final FileChannel contentChannel;
    private final ChunkedCipherOutputStream content;
    /** Whether the file is a spare one, whose old octets beyond this message must be cut off. */
    private final boolean reused;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private long size;
    private IOException writeFailure;

    private FileMessageWriter(QueueId id, SpoolDirectories directories, SpoolKeys keys, Executor commitExecutor,
            GroupCommitter groupCommitter, FileChannel contentChannel, ChunkedCipherOutputStream content, boolean reused) {
        this.id = id;
        this.directories = directories;
        this.keys = keys;
        this.commitExecutor = commitExecutor;
        this.groupCommitter = groupCommitter;
        this.incomingContent = directories.incoming().resolve(SpoolDirectories.contentName(id));
        this.queuedContent = directories.queue().resolve(SpoolDirectories.contentName(id));
        this.contentChannel = contentChannel;
        this.content = content;
        this.reused = reused;
    }

    /**
     * Creates the content file in {@code incoming/} under a fresh queue id, from a spare file when
     * {@code spares} has one, and writes its header.
     */
    static FileMessageWriter create(SpoolDirectories directories, SpoolKeys keys, SpareFiles spares,
            Executor commitExecutor, GroupCommitter groupCommitter) throws IOException {
        QueueId id = QueueId.generate();
        Path file = directories.incoming().resolve(SpoolDirectories.contentName(id));
        FileChannel spare = spares.take(file);
        FileChannel channel = spare != null ? spare : SpoolDirectories.createPrivateFile(file);
        try {
            ChunkedCipherOutputStream content = new ChunkedCipherOutputStream(
                    Channels.newOutputStream(channel), keys.current(), FileRole.CONTENT, id,
                    SealedFileFormat.WITH_ENVELOPE_TRAILER);
            log.debug("{}: receiving content", id);
            return new FileMessageWriter(id, directories, keys, commitExecutor, groupCommitter, channel, content,
                    spare != null);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            EnvelopeFiles.deleteQuietly(file, e);
            throw e;
        }
    }

    @Override
    public QueueId id() {
        return id;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (state.get() != State.OPEN) {
            throw new IllegalStateException("message " + id + " is " + state.get() + "; write is not allowed");
        }
        if (writeFailure != null) {
            throw new IOException("an earlier write of message " + id + " failed", writeFailure);
        }
        try {
            content.write(bytes, offset, length);
        } catch (IOException e) {
            writeFailure = e;
            throw e;
        }
        size += length;
    }

    @Override
    public long size() {
        return size;
    }

    /**
     * Decrypts the full chunks already in the incoming file and appends the unsealed tail from
     * memory, so memory stays at about one chunk whatever the message size. The channel writes
     * through without a buffer, so every sealed chunk is in the file when this runs.
     */
    @Override
    public InputStream openWritten() throws IOException {
        if (state.get() != State.OPEN) {
            throw new IllegalStateException("message " + id + " is " + state.get() + "; read-back is not allowed");
        }
        if (writeFailure != null) {
            throw new IOException("an earlier write of message " + id + " failed", writeFailure);
        }
        int chunks = content.sealedChunks();
        byte[] tail = content.unsealedCopy();
        InputStream file = Files.newInputStream(incomingContent);
        try {
            InputStream sealed = new ChunkedCipherInputStream(file, keys, FileRole.CONTENT, id, chunks);
            return new SequenceInputStream(sealed, new ByteArrayInputStream(tail));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Void> commit(Envelope envelope) {
        if (!state.compareAndSet(State.OPEN, State.COMMITTING)) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("message " + id + " is " + state.get() + "; commit is not allowed"));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            commitExecutor.execute(() -> runCommit(envelope, result));
        } catch (RejectedExecutionException e) {
            fail(result, new IOException("spool is closed; message " + id + " was not committed", e));
        }
        return result;
    }

    @Override
    public void abort() {
        State current = state.get();
        if (current == State.OPEN && state.compareAndSet(State.OPEN, State.ABORTED)) {
            IOException cleanup = new IOException("cleanup of aborted message " + id + " failed");
            closeQuietly(contentChannel, cleanup);
            EnvelopeFiles.deleteQuietly(incomingContent, cleanup);
            logCleanupFailures(cleanup);
            log.debug("{}: aborted", id);
            return;
        }
        // NOTE: an abort while a commit runs does not stop it. If the commit succeeds the message
        // stays queued and may be delivered although the client saw no 250, which is the usual
        // MTA trade of a possible duplicate for no loss.
        log.debug("{}: abort ignored in state {}", id, state.get());
    }

    private void runCommit(Envelope envelope, CompletableFuture<Void> result) {
        try {
            commitFiles(envelope);
            state.set(State.COMMITTED);
            log.info("{}: committed, {} octets", id, size);
            result.complete(null);
        } catch (IOException | RuntimeException e) {
            fail(result, e);
        }
    }

    private void commitFiles(Envelope envelope) throws IOException {
        if (!envelope.id().equals(id)) {
            throw new IllegalArgumentException("envelope has queue id " + envelope.id() + "; expected " + id);
        }
        if (writeFailure != null) {
            throw new IOException("an earlier write of message " + id + " failed", writeFailure);
        }
        content.finish();
        MessageFile.appendEnvelope(contentChannel, envelope, keys);
        if (reused) {
            contentChannel.truncate(contentChannel.position());
        }
        // fdatasync suffices: the file's size, which fdatasync covers, is the only metadata needed
        // to read it back (POSIX fdatasync, Linux fdatasync(2)).
        contentChannel.force(false);
        contentChannel.close();
        // join() and not get(): an interrupt must not let fail() delete files while the batch
        // may still rename them.
        try {
            groupCommitter.publish(incomingContent, queuedContent).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("group commit of message " + id + " failed", cause);
        }
    }

    // The client gets no 250, so the message must not stay queued: remove the queued file and make
    // that durable, in case the rename happened but the directory fsync failed.
    private void fail(CompletableFuture<Void> result, Exception failure) {
        state.set(State.FAILED);
        closeQuietly(contentChannel, failure);
        EnvelopeFiles.deleteQuietly(queuedContent, failure);
        EnvelopeFiles.deleteQuietly(incomingContent, failure);
        try {
            SpoolDirectories.fsyncDirectory(directories.queue());
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
        log.warn("{}: commit failed, partial files removed: {}", id, failure.toString());
        result.completeExceptionally(failure);
    }

    private static void closeQuietly(FileChannel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private void logCleanupFailures(IOException cleanup) {
        if (cleanup.getSuppressed().length > 0) {
            log.warn("{}: could not remove partial files; recovery removes them at the next start", id, cleanup);
        }
    }
}
