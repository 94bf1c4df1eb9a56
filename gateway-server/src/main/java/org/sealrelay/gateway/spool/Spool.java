package org.sealrelay.gateway.spool;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Durable message store. Content and envelopes are encrypted at rest; callers see clear text
 * only through {@link #openContent} and the returned envelopes.
 *
 * <p>Thread-safe. Methods other than {@link MessageWriter#commit} block on disk I/O and must not
 * run on a Netty event loop thread, except {@link MessageWriter#write} which only buffers.
 */
public interface Spool extends Closeable {
    /** Starts a new message under a fresh queue id. */
    MessageWriter newMessage() throws IOException;

    /**
     * Opens the clear-text content of a committed message.
     *
     * @throws java.nio.file.NoSuchFileException if the message is not in the spool
     * @throws IOException if the content cannot be read or fails its integrity check
     */
    InputStream openContent(QueueId id) throws IOException;

    /** Replaces a committed message's envelope durably (write, fsync, atomic rename). */
    void update(Envelope envelope) throws IOException;

    /** Removes a message and its envelope; a missing message is not an error. */
    void remove(QueueId id) throws IOException;

    /**
     * Removes a message whose delivery is finished, as {@link #remove} does. The caller promises
     * that no stream from {@link #openContent} for it is still open, so the spool may reuse the
     * file for a new message.
     */
    default void removeFinished(QueueId id) throws IOException {
        remove(id);
    }

    /**
     * Returns every committed message, in queue id order. Partial files left by a crash are
     * removed; a record that fails its integrity check is moved aside to the corrupt folder
     * and logged, never deleted.
     */
    List<Envelope> recover() throws IOException;
}
