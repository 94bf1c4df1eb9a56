package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Receives one message's content as it streams in, then makes it durable together with its
 * envelope. Not thread-safe: one SMTP transaction owns it.
 *
 * <p>Outcomes: after {@link #commit} completes normally the message is on disk and fsynced and
 * will be found by {@link Spool#recover()} after any crash. If commit completes exceptionally or
 * {@link #abort()} is called, nothing of the message remains and recovery will not find it.
 */
public interface MessageWriter {
    /** Returns the queue id this writer stores under. */
    QueueId id();

    /** Appends content octets; lines must already end in CRLF and be dot-unstuffed. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** Returns the number of content octets written so far. */
    long size();

    /**
     * Opens the clear text written so far, for the policy to read before {@link #commit}. The
     * caller must not write while the stream is open and must close it before commit or abort.
     * Blocks on disk I/O, so it must not run on a Netty event loop thread.
     *
     * @throws IOException if the written content cannot be read back or fails its integrity check
     */
    InputStream openWritten() throws IOException;

    /**
     * Writes the envelope, fsyncs content, envelope and directory, and completes when all of it
     * is durable. The writer may not be used afterwards.
     */
    CompletableFuture<Void> commit(Envelope envelope);

    /** Discards everything written; safe to call more than once and after a failed commit. */
    void abort();
}
