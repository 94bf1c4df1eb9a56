package org.sealrelay.gateway.queue;

import java.io.IOException;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Queue state of one message; guarded by its own monitor. */
final class QueueEntry {
    // Logs under the queue manager's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    Envelope envelope;
    boolean active;
    int groupsInFlight;
    int deferrals;
    boolean deleted;
    /** Set when a recipient moved to the next plan step, which is tried at once, without backoff. */
    boolean fallbackDue;
    java.util.concurrent.ScheduledFuture<?> retry;

    QueueEntry(Envelope envelope) {
        this.envelope = envelope;
    }

    QueueId id() {
        return envelope.id();
    }

    /** Replaces the envelope with {@code updated} after writing it to the spool; the caller holds this entry's lock. */
    boolean persist(Spool spool, Envelope updated, String change) {
        try {
            spool.update(updated);
        } catch (IOException e) {
            log.error("queueId={} {} not written to the spool; the message keeps its earlier state: {}",
                    updated.id(), change, e.toString());
            return false;
        }
        envelope = updated;
        return true;
    }
}
