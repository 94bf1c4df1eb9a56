package org.sealrelay.gateway.queue;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;

/**
 * Writes delivery status notifications: for recipients that failed for good, delay notices, and
 * relayed notices. The queue manager calls it before it records those recipients as notified, so that a crash in between
 * costs at worst a second notification, never a missing one.
 */
public interface FailureNotifier {
    /**
     * Writes a notification to {@code original}'s non-empty reverse-path and makes it durable in
     * the spool. Blocks on disk I/O.
     *
     * @param failed recipients of {@code original} that failed and are not yet notified, at least one
     * @return the committed notification's envelope, for the caller to enqueue
     * @throws IOException if the original's headers cannot be read or the notification cannot be committed;
     *     nothing of the notification then remains in the spool
     */
    Envelope notifyFailure(Envelope original, List<EnvelopeRecipient> failed) throws IOException;

    /**
     * Writes a delay notice for recipients still pending, to {@code original}'s non-empty
     * reverse-path, and makes it durable in the spool. Blocks on disk I/O.
     *
     * @param pending recipients of {@code original} still waiting for delivery, at least one
     * @param retryUntil when the queue gives up on them
     * @return the committed notice's envelope, for the caller to enqueue
     * @throws IOException as for {@link #notifyFailure}
     */
    Envelope notifyDelay(Envelope original, List<EnvelopeRecipient> pending, Instant retryUntil) throws IOException;

    /**
     * Writes a "relayed" notice (RFC 3461 section 5.2.2) for recipients that asked for NOTIFY=SUCCESS
     * and were accepted by a next hop without the DSN extension, to {@code original}'s non-empty
     * reverse-path, and makes it durable in the spool. Blocks on disk I/O.
     *
     * @param relayed delivered recipients of {@code original} that are not yet notified, at least one
     * @return the committed notice's envelope, for the caller to enqueue
     * @throws IOException as for {@link #notifyFailure}
     */
    Envelope notifyRelayed(Envelope original, List<EnvelopeRecipient> relayed) throws IOException;
}
