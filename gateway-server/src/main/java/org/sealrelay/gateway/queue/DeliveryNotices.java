package org.sealrelay.gateway.queue;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes and queues the delivery status notifications that the sender of a queued message is
 * due: failure reports, "relayed" notices and delay notices.
 *
 * <p>Recipients that fail for good (5xx, lifetime expiry, or an administrator's bounce) get one
 * delivery status notification per attempt through the {@link FailureNotifier}. The order is:
 * notification durable in the spool, then the failed recipients marked as notified in the
 * envelope, then the envelope updated or the message removed. A crash between the first and the
 * last step leaves the original with its failures not marked, so the next start sends a second
 * notification rather than none. Failures of a message with the null reverse-path are marked
 * without a notification. Delivered recipients that asked for NOTIFY=SUCCESS from a next hop
 * without the DSN extension get a "relayed" notice in the same order; every other delivered
 * recipient is marked notified when its delivery is recorded.
 */
final class DeliveryNotices {
    // Logs under the queue manager's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    private final FailureNotifier notifier;
    private final QueueConfig config;
    private final Clock clock;
    private final Spool spool;
    private final Consumer<Envelope> enqueue;

    /**
     * @param enqueue queues a committed notification for delivery
     */
    DeliveryNotices(FailureNotifier notifier, QueueConfig config, Clock clock, Spool spool, Consumer<Envelope> enqueue) {
        this.notifier = notifier;
        this.config = config;
        this.clock = clock;
        this.spool = spool;
        this.enqueue = enqueue;
    }

    /**
     * Writes one notification for the recipients that failed and are not yet notified, and marks
     * them notified once it is durable. On a write failure they stay unmarked, so the next attempt
     * tries again. Holds the entry lock.
     */
    void notifyFailures(QueueEntry entry) {
        List<EnvelopeRecipient> failed = new ArrayList<>();
        for (EnvelopeRecipient recipient : entry.envelope.failedUnnotified()) {
            if (recipient.dsn().wantsFailureReport()) {
                failed.add(recipient);
            } else {
                // RFC 3461 section 4.1: NOTIFY without FAILURE (or NEVER) requests no report.
                entry.envelope = entry.envelope.withRecipient(recipient.asNotified());
            }
        }
        if (failed.isEmpty()) {
            return;
        }
        QueueId id = entry.envelope.id();
        if (entry.envelope.reversePath().isEmpty()) {
            // RFC 5321 section 4.5.5: never a notification for a message with the null reverse-path.
            log.info("queueId={} {} recipient(s) failed; no notification for the null reverse-path", id,
                    failed.size());
        } else {
            Envelope notification;
            try {
                notification = notifier.notifyFailure(entry.envelope, failed);
            } catch (IOException | RuntimeException e) {
                log.error("queueId={} writing the delivery status notification failed; the next attempt "
                        + "tries again: {}", id, e.toString());
                return;
            }
            log.info("queueId={} delivery status notification for {} recipient(s) queued as {}", id,
                    failed.size(), notification.id());
            enqueue.accept(notification);
        }
        for (EnvelopeRecipient recipient : failed) {
            entry.envelope = entry.envelope.withRecipient(recipient.asNotified());
        }
    }

    /**
     * Writes one "relayed" notice for delivered recipients that asked for NOTIFY=SUCCESS at a next
     * hop without the DSN extension (RFC 3461 section 5.2.2), and marks them notified once it is
     * durable, in the same order as {@link #notifyFailures}. Holds the entry lock.
     */
    void notifyRelayed(QueueEntry entry) {
        List<EnvelopeRecipient> relayed = entry.envelope.relayedUnnotified();
        if (relayed.isEmpty()) {
            return;
        }
        QueueId id = entry.envelope.id();
        if (entry.envelope.reversePath().isEmpty()) {
            log.info("queueId={} {} recipient(s) relayed; no notification for the null reverse-path", id,
                    relayed.size());
        } else {
            Envelope notice;
            try {
                notice = notifier.notifyRelayed(entry.envelope, relayed);
            } catch (IOException | RuntimeException e) {
                log.error("queueId={} writing the relayed notice failed; the next attempt tries again: {}", id,
                        e.toString());
                return;
            }
            log.info("queueId={} relayed notice for {} recipient(s) queued as {}", id, relayed.size(), notice.id());
            enqueue.accept(notice);
        }
        for (EnvelopeRecipient recipient : relayed) {
            entry.envelope = entry.envelope.withRecipient(recipient.asNotified());
        }
    }

    /**
     * Sends the sender one delay notice once the message has been queued for
     * {@link QueueConfig#delayWarning()}, then records it in the envelope. A crash in between
     * sends the notice again after the restart. Holds the entry lock.
     */
    void warnOfDelay(QueueEntry entry) {
        Envelope envelope = entry.envelope;
        if (config.delayWarning().isZero() || envelope.delayNotified() || envelope.reversePath().isEmpty()
                || envelope.pendingCount() == 0
                || clock.instant().isBefore(envelope.receivedAt().plus(config.delayWarning()))) {
            return;
        }
        Envelope notice;
        try {
            List<EnvelopeRecipient> delayed = new ArrayList<>();
            for (EnvelopeRecipient recipient : envelope.pending()) {
                if (recipient.dsn().wantsDelayReport()) {
                    delayed.add(recipient);
                }
            }
            if (delayed.isEmpty()) {
                entry.envelope = envelope.asDelayNotified();
                return;
            }
            notice = notifier.notifyDelay(envelope, delayed, envelope.receivedAt().plus(config.maxLifetime()));
        } catch (IOException | RuntimeException e) {
            log.error("queueId={} writing the delay notice failed; the next deferral tries again: {}", envelope.id(),
                    e.toString());
            return;
        }
        log.info("queueId={} delay notice for {} recipient(s) queued as {}", envelope.id(), envelope.pendingCount(),
                notice.id());
        enqueue.accept(notice);
        entry.persist(spool, envelope.asDelayNotified(), "delay notice flag");
    }
}
