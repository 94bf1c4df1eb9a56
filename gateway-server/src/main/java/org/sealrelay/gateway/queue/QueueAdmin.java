package org.sealrelay.gateway.queue;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes that an administrator makes to one queued message, named after Postfix's tools: flush,
 * hold, release, delete and bounce. Each change takes the message's entry lock, so it never
 * interleaves with the recording of a delivery outcome.
 */
final class QueueAdmin {
    // Logs under the queue manager's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);
    static final String ADMIN_BOUNCE_REASON = "5.0.0 message returned to the sender by the mail administrator";

    private final Map<QueueId, QueueEntry> entries;
    private final Spool spool;
    private final Consumer<QueueId> submitAttempt;
    private final Consumer<QueueEntry> finishAttempt;

    /**
     * @param entries the queue manager's entries, which {@link #delete} removes from
     * @param submitAttempt starts a delivery attempt for a queued message
     * @param finishAttempt notifies, persists and removes or reschedules a message, under its entry lock
     */
    QueueAdmin(Map<QueueId, QueueEntry> entries, Spool spool, Consumer<QueueId> submitAttempt,
            Consumer<QueueEntry> finishAttempt) {
        this.entries = entries;
        this.spool = spool;
        this.submitAttempt = submitAttempt;
        this.finishAttempt = finishAttempt;
    }

    /** Implements {@link QueueManager#flush(QueueId)}. */
    ChangeResult flush(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (entry.envelope.held() || entry.active || entry.retry == null || !entry.retry.cancel(false)) {
                return ChangeResult.UNCHANGED;
            }
            entry.retry = null;
            submitAttempt.accept(id);
            return ChangeResult.DONE;
        }
    }

    /** Implements {@link QueueManager#hold(QueueId)}. */
    ChangeResult hold(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (entry.envelope.held()) {
                return ChangeResult.UNCHANGED;
            }
            if (!entry.persist(spool, entry.envelope.withHeld(true), "hold")) {
                return ChangeResult.FAILED;
            }
            if (entry.retry != null) {
                entry.retry.cancel(false);
                entry.retry = null;
            }
            log.info("queueId={} put on hold by the administrator", id);
            return ChangeResult.DONE;
        }
    }

    /** Implements {@link QueueManager#release(QueueId)}. */
    ChangeResult release(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (!entry.envelope.held()) {
                return ChangeResult.UNCHANGED;
            }
            if (!entry.persist(spool, entry.envelope.withHeld(false), "release")) {
                return ChangeResult.FAILED;
            }
            log.info("queueId={} released from hold by the administrator", id);
            if (!entry.active) {
                submitAttempt.accept(id);
            }
            return ChangeResult.DONE;
        }
    }

    /** Implements {@link QueueManager#delete(QueueId)}. */
    ChangeResult delete(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            try {
                spool.remove(id);
            } catch (IOException e) {
                log.error("queueId={} delete failed; the message stays queued: {}", id, e.toString());
                return ChangeResult.FAILED;
            }
            entry.deleted = true;
            if (entry.retry != null) {
                entry.retry.cancel(false);
                entry.retry = null;
            }
            entries.remove(id);
            log.info("queueId={} deleted by the administrator with {} pending recipient(s)", id,
                    entry.envelope.pendingCount());
            return ChangeResult.DONE;
        }
    }

    /** Implements {@link QueueManager#bounce(QueueId)}. */
    ChangeResult bounce(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (entry.active) {
                return ChangeResult.BUSY;
            }
            if (entry.envelope.pendingCount() == 0) {
                return ChangeResult.UNCHANGED;
            }
            if (entry.retry != null) {
                entry.retry.cancel(false);
                entry.retry = null;
            }
            for (EnvelopeRecipient recipient : entry.envelope.recipients()) {
                if (recipient.status() == RecipientStatus.PENDING) {
                    String reason = recipient.lastReply().isEmpty() ? ADMIN_BOUNCE_REASON
                            : ADMIN_BOUNCE_REASON + "; last error: " + recipient.lastReply();
                    entry.envelope = entry.envelope.withRecipient(recipient.failedWith(reason));
                }
            }
            entry.envelope = entry.envelope.withHeld(false);
            log.info("queueId={} bounced by the administrator", id);
            finishAttempt.accept(entry);
            return ChangeResult.DONE;
        }
    }
}
