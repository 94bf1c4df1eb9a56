package org.sealrelay.gateway.queue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.queue.DeliveryGroups.GroupKey;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.policy.TlsLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules spooled messages for delivery and records what happened to each recipient.
 *
 * <p>Design: every queued message has a {@link QueueEntry} in memory. An attempt groups the
 * message's pending recipients by destination domain, TLS level, delivery method and policy
 * edits (one group per recipient for the encrypting methods and for archive copies) and starts
 * one delivery per group, bounded by a global number of slots, a number per domain
 * ({@link DestinationSlots}) and a start rate per domain ({@link DestinationRateLimiter}). When
 * every group of the attempt has reported, the
 * new recipient states are written to the spool in one envelope update; a message whose
 * recipients are all final is removed, others are scheduled again with exponential backoff.
 * Spool I/O and slot waits run on the {@code queue-io} threads, never on a Netty event loop.
 *
 * <p>A message leaves the spool only after every recipient is delivered or has failed for
 * good. If an envelope update fails, the message stays in the spool with its older state, so
 * after a restart some recipients may receive it twice: a duplicate is preferred to a loss.
 *
 * <p>The work is split by concept: {@link DeliveryGroups} forms the groups,
 * {@link DeliveryDispatcher} starts their deliveries within the limits, {@link RecipientOutcomes}
 * turns results into recipient states, {@link DeliveryNotices} writes the notifications the sender
 * is due, and {@link QueueAdmin} makes the administrator's changes. This class owns the entries
 * and the attempt cycle that joins them.
 *
 * <p>A message on hold ({@link Envelope#held()}) gets no delivery attempt and no retry until
 * it is released. An attempt already in flight when the hold is set finishes normally.
 */
public final class QueueManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    private final Spool spool;
    private final Map<QueueId, QueueEntry> entries = new ConcurrentHashMap<>();
    private final RetrySchedule retrySchedule;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final TlsLevel encryptedCopyLevel;
    private final DeliveryDispatcher dispatcher;
    private final RecipientOutcomes outcomes;
    private final DeliveryNotices notices;
    private final QueueAdmin admin;
    private volatile boolean closed;

    /** Creates a queue manager that relays encrypted copies at {@code may}. */
    public QueueManager(Spool spool, DeliveryAgent agent, FailureNotifier notifier, QueueConfig config,
            Clock clock) {
        this(spool, agent, notifier, config, clock, TlsLevel.MAY);
    }

    /**
     * @param encryptedCopyLevel TLS level for recipients whose current plan step is {@code pgp}
     *     or {@code smime}
     */
    public QueueManager(Spool spool, DeliveryAgent agent, FailureNotifier notifier, QueueConfig config,
            Clock clock, TlsLevel encryptedCopyLevel) {
        this.encryptedCopyLevel = java.util.Objects.requireNonNull(encryptedCopyLevel, "encryptedCopyLevel");
        this.spool = spool;
        this.retrySchedule = new RetrySchedule(config);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("queue-scheduler"));
        this.io = Executors.newFixedThreadPool(4, daemonThreads("queue-io"));
        this.dispatcher = new DeliveryDispatcher(spool, agent, config, clock, scheduler, io, this::recordOutcome);
        this.outcomes = new RecipientOutcomes(config, clock);
        this.notices = new DeliveryNotices(notifier, config, clock, spool, this::enqueue);
        this.admin = new QueueAdmin(entries, spool, this::submitAttempt, this::finishAttempt);
    }

    /** Queues a newly committed message for immediate delivery. */
    public void enqueue(Envelope envelope) {
        if (entries.putIfAbsent(envelope.id(), new QueueEntry(envelope)) != null) {
            log.warn("queueId={} already queued; ignoring the second enqueue", envelope.id());
            return;
        }
        submitAttempt(envelope.id());
    }

    /**
     * Queues messages found in the spool at start-up. Messages whose recipients are all final
     * and notified were finished before the stop but not yet removed, so they are removed now.
     * Messages on hold are queued but stay on hold.
     */
    public void recover(List<Envelope> envelopes) {
        for (Envelope envelope : envelopes) {
            if (envelope.isComplete() && !envelope.hasNotificationsDue()) {
                removeFromSpool(envelope.id());
                continue;
            }
            log.info("queueId={} recovered from the spool with {} pending recipient(s){}", envelope.id(),
                    envelope.pendingCount(), envelope.held() ? ", on hold" : "");
            enqueue(envelope);
        }
    }

    /** Makes every queued message that is waiting for a retry due now, like {@code postqueue -f}; skips held ones. */
    public void flush() {
        for (QueueEntry entry : entries.values()) {
            flush(entry.id());
        }
    }

    /**
     * Makes one message that waits for a retry due now.
     *
     * @return DONE, UNCHANGED when it is on hold or an attempt is in flight, or NOT_FOUND
     */
    public ChangeResult flush(QueueId id) {
        return admin.flush(id);
    }

    /**
     * Puts a message on hold and writes the hold to its envelope, like {@code postsuper -h}. A
     * delivery attempt in flight finishes, but no further attempt is scheduled.
     */
    public ChangeResult hold(QueueId id) {
        return admin.hold(id);
    }

    /** Releases a held message, like {@code postsuper -H}, and makes it due now. */
    public ChangeResult release(QueueId id) {
        return admin.release(id);
    }

    /**
     * Removes a message from the queue and the spool without notifying anyone, like
     * {@code postsuper -d}. An attempt in flight may still deliver to its recipients, but its
     * outcome is not recorded.
     */
    public ChangeResult delete(QueueId id) {
        return admin.delete(id);
    }

    /**
     * Fails every pending recipient of a message now, sends the sender a delivery status
     * notification and removes the message, also when it is on hold.
     *
     * @return BUSY while an attempt is in flight, because its outcome would overwrite the bounce
     */
    public ChangeResult bounce(QueueId id) {
        return admin.bounce(id);
    }

    /** Returns snapshots of every queued message's envelope in queue id order, which is arrival order. */
    public List<Envelope> snapshot() {
        List<Envelope> envelopes = new ArrayList<>(entries.size());
        for (QueueEntry entry : entries.values()) {
            synchronized (entry) {
                envelopes.add(entry.envelope);
            }
        }
        envelopes.sort(java.util.Comparator.comparing(Envelope::id));
        return envelopes;
    }

    /** Returns whether a delivery attempt for the message is in flight. */
    public boolean isActive(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return false;
        }
        synchronized (entry) {
            return entry.active;
        }
    }

    /** Returns the number of messages in the queue, active or waiting. */
    public int size() {
        return entries.size();
    }

    /** Returns a snapshot of a queued message's envelope, or null when it is not queued. */
    public Envelope find(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null) {
            return null;
        }
        synchronized (entry) {
            return entry.envelope;
        }
    }

    private void submitAttempt(QueueId id) {
        if (closed) {
            return;
        }
        try {
            io.execute(() -> attempt(id));
        } catch (RejectedExecutionException e) {
            log.debug("queueId={} attempt not started: queue manager is stopping", id);
        }
    }

    private void attempt(QueueId id) {
        QueueEntry entry = entries.get(id);
        if (entry == null || closed) {
            return;
        }
        Map<GroupKey, List<String>> groups;
        Envelope envelope;
        synchronized (entry) {
            entry.retry = null;
            if (entry.active || entry.deleted || entry.envelope.held()) {
                return;
            }
            outcomes.expirePending(entry);
            envelope = entry.envelope;
            groups = DeliveryGroups.groupPending(envelope, encryptedCopyLevel);
            if (groups.isEmpty()) {
                // Nothing to deliver: every recipient is final, but a notification may still be due.
                finishAttempt(entry);
                return;
            }
            entry.active = true;
            entry.groupsInFlight = groups.size();
        }
        dispatcher.dispatch(entry, envelope, groups);
    }

    private void recordOutcome(QueueEntry entry, DeliveryOutcome outcome) {
        synchronized (entry) {
            outcomes.record(entry, outcome);
            entry.groupsInFlight--;
            if (entry.groupsInFlight == 0) {
                entry.active = false;
                finishAttempt(entry);
            }
        }
    }

    /**
     * Notifies failures, persists the attempt's results, then removes the message or schedules
     * its retry. Holds the entry lock.
     */
    private void finishAttempt(QueueEntry entry) {
        QueueId id = entry.envelope.id();
        if (entry.deleted) {
            log.info("queueId={} attempt ended after the message was deleted; its outcome is discarded", id);
            return;
        }
        if (!entry.envelope.isComplete()) {
            outcomes.expirePending(entry);
        }
        notices.notifyFailures(entry);
        notices.notifyRelayed(entry);
        if (entry.envelope.isComplete() && !entry.envelope.hasNotificationsDue()) {
            removeFromSpool(id);
            entries.remove(id);
            return;
        }

        try {
            spool.update(entry.envelope);
        } catch (IOException e) {
            log.error("queueId={} envelope update failed; the spool keeps the earlier recipient states: {}", id,
                    e.toString());
        }
        if (entry.envelope.held()) {
            log.info("queueId={} on hold with {} pending recipient(s); no retry until released", id,
                    entry.envelope.pendingCount());
            return;
        }

        if (entry.fallbackDue) {
            // The next plan step is a different method or level, not a retry of the same one.
            entry.fallbackDue = false;
            submitAttempt(id);
            return;
        }
        notices.warnOfDelay(entry);
        entry.deferrals++;
        Duration delay = retrySchedule.delayAfter(entry.deferrals);
        log.info("queueId={} {} recipient(s) deferred, next attempt in {} s", id, entry.envelope.pendingCount(),
                delay.toSeconds());
        if (!closed) {
            entry.retry = scheduler.schedule(() -> submitAttempt(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void removeFromSpool(QueueId id) {
        try {
            spool.removeFinished(id);
            log.info("queueId={} removed: all recipients final", id);
        } catch (IOException e) {
            log.error("queueId={} remove failed; it will be found and removed again at the next start: {}", id,
                    e.toString());
        }
    }

    /** Stops scheduling; attempts in flight are abandoned and their messages stay in the spool. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        io.shutdown();
        try {
            if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("queue I/O threads still busy after 10 s; stopping them");
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            io.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
