package org.sealrelay.gateway.queue;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules spooled messages for delivery and records what happened to each recipient.
 *
 * <p>Design: every queued message has an {@link Entry} in memory. An attempt groups the
 * message's pending recipients by destination domain and TLS level and starts one delivery per
 * group, bounded by a global number of slots. When every group of the attempt has reported, the
 * new recipient states are written to the spool in one envelope update; a message whose
 * recipients are all final is removed, others are scheduled again with exponential backoff.
 * Spool I/O and slot waits run on the {@code queue-io} threads, never on a Netty event loop.
 *
 * <p>A message leaves the spool only after every recipient is delivered or has failed for
 * good. If an envelope update fails, the message stays in the spool with its older state, so
 * after a restart some recipients may receive it twice: a duplicate is preferred to a loss.
 *
 * <p>NOTE: recipients that fail for good are logged and dropped from the queue, but no
 * delivery status notification is sent to the reverse-path yet.
 */
public final class QueueManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    private final Spool spool;
    private final DeliveryAgent agent;
    private final QueueConfig config;
    private final Clock clock;
    private final RetrySchedule retrySchedule;
    private final Semaphore deliverySlots;
    private final Map<QueueId, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private volatile boolean closed;

    public QueueManager(Spool spool, DeliveryAgent agent, QueueConfig config, Clock clock) {
        this.spool = spool;
        this.agent = agent;
        this.config = config;
        this.clock = clock;
        this.retrySchedule = new RetrySchedule(config);
        this.deliverySlots = new Semaphore(config.maxConcurrentDeliveries());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("queue-scheduler"));
        this.io = Executors.newFixedThreadPool(4, daemonThreads("queue-io"));
    }

    /** Queues a newly committed message for immediate delivery. */
    public void enqueue(Envelope envelope) {
        if (entries.putIfAbsent(envelope.id(), new Entry(envelope)) != null) {
            log.warn("queueId={} already queued; ignoring the second enqueue", envelope.id());
            return;
        }
        submitAttempt(envelope.id());
    }

    /**
     * Queues messages found in the spool at start-up. Messages whose recipients are all final
     * were finished before the stop but not yet removed, so they are removed now.
     */
    public void recover(List<Envelope> envelopes) {
        for (Envelope envelope : envelopes) {
            if (envelope.isComplete()) {
                removeFromSpool(envelope.id());
                continue;
            }
            log.info("queueId={} recovered from the spool with {} pending recipient(s)", envelope.id(),
                    countPending(envelope));
            enqueue(envelope);
        }
    }

    /** Makes every queued message that is waiting for a retry due now, like {@code postqueue -f}. */
    public void flush() {
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                if (entry.retry != null && entry.retry.cancel(false)) {
                    entry.retry = null;
                    submitAttempt(entry.envelope.id());
                }
            }
        }
    }

    /** Returns the number of messages in the queue, active or waiting. */
    public int size() {
        return entries.size();
    }

    /** Returns a snapshot of a queued message's envelope, or null when it is not queued. */
    public Envelope find(QueueId id) {
        Entry entry = entries.get(id);
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
        Entry entry = entries.get(id);
        if (entry == null || closed) {
            return;
        }
        Map<GroupKey, List<String>> groups;
        Envelope envelope;
        synchronized (entry) {
            entry.retry = null;
            if (entry.active) {
                return;
            }
            if (expirePending(entry)) {
                finishAttempt(entry);
                return;
            }
            envelope = entry.envelope;
            groups = groupPending(envelope);
            entry.active = true;
            entry.groupsInFlight = groups.size();
        }
        for (Map.Entry<GroupKey, List<String>> group : groups.entrySet()) {
            startDelivery(entry, envelope, group.getKey(), group.getValue());
        }
    }

    private void startDelivery(Entry entry, Envelope envelope, GroupKey key, List<String> recipients) {
        DeliveryRequest request = new DeliveryRequest(envelope.id(), envelope.reversePath(), recipients,
                key.domain(), key.tlsLevel(), envelope.eightBitMime(), envelope.sizeOctets(),
                () -> spool.openContent(envelope.id()));
        try {
            deliverySlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            recordOutcome(entry, DeliveryOutcome.all(recipients, RecipientOutcome.Result.DEFERRED,
                    "4.3.2 queue manager stopping", ""));
            return;
        }
        CompletableFuture<DeliveryOutcome> delivery;
        try {
            delivery = agent.deliver(request);
        } catch (RuntimeException e) {
            log.error("queueId={} delivery agent failed to start an attempt to {}", envelope.id(), key.domain(), e);
            delivery = CompletableFuture.completedFuture(DeliveryOutcome.all(recipients,
                    RecipientOutcome.Result.DEFERRED, "4.3.0 internal error starting delivery", ""));
        }
        delivery.whenComplete((outcome, failure) -> {
            deliverySlots.release();
            DeliveryOutcome result = outcome;
            if (failure != null) {
                log.error("queueId={} delivery agent broke its contract and failed exceptionally", envelope.id(), failure);
                result = DeliveryOutcome.all(recipients, RecipientOutcome.Result.DEFERRED,
                        "4.3.0 internal error during delivery", "");
            }
            DeliveryOutcome finalResult = result;
            try {
                io.execute(() -> recordOutcome(entry, finalResult));
            } catch (RejectedExecutionException e) {
                log.info("queueId={} outcome not recorded because the queue manager is stopping; "
                        + "the spool keeps the earlier state", envelope.id());
            }
        });
    }

    private void recordOutcome(Entry entry, DeliveryOutcome outcome) {
        synchronized (entry) {
            for (Map.Entry<String, RecipientOutcome> result : outcome.byRecipient().entrySet()) {
                EnvelopeRecipient recipient = findRecipient(entry.envelope, result.getKey());
                if (recipient == null) {
                    log.error("queueId={} delivery agent reported an unknown recipient", entry.envelope.id());
                    continue;
                }
                RecipientStatus status = switch (result.getValue().result()) {
                    case DELIVERED -> RecipientStatus.DELIVERED;
                    case BOUNCED -> RecipientStatus.FAILED;
                    case DEFERRED -> RecipientStatus.PENDING;
                };
                String reply = result.getValue().reply();
                entry.envelope = entry.envelope.withRecipient(recipient.afterAttempt(status, reply));
                logRecipient(entry.envelope.id(), recipient, status, outcome, reply);
            }
            entry.groupsInFlight--;
            if (entry.groupsInFlight == 0) {
                entry.active = false;
                finishAttempt(entry);
            }
        }
    }

    /** Persists the attempt's results, then removes the message or schedules its retry. Holds the entry lock. */
    private void finishAttempt(Entry entry) {
        QueueId id = entry.envelope.id();
        if (!entry.envelope.isComplete()) {
            expirePending(entry);
        }
        if (entry.envelope.isComplete()) {
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
        entry.deferrals++;
        Duration delay = retrySchedule.delayAfter(entry.deferrals);
        log.info("queueId={} {} recipient(s) deferred, next attempt in {} s", id, countPending(entry.envelope),
                delay.toSeconds());
        if (!closed) {
            entry.retry = scheduler.schedule(() -> submitAttempt(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Fails pending recipients of a message past its lifetime; returns whether any expired. */
    private boolean expirePending(Entry entry) {
        Envelope envelope = entry.envelope;
        Instant deadline = envelope.receivedAt().plus(config.maxLifetime());
        if (clock.instant().isBefore(deadline)) {
            return false;
        }
        boolean expired = false;
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            if (recipient.status() == RecipientStatus.PENDING) {
                String reason = "4.4.7 message expired after " + config.maxLifetime().toHours()
                        + " h in the queue; last error: " + recipient.lastReply();
                entry.envelope = entry.envelope.withRecipient(
                        new EnvelopeRecipient(recipient.address(), recipient.plan(), RecipientStatus.FAILED,
                                recipient.attempts(), reason));
                log.info("queueId={} recipient domain={} expired after {} attempt(s)", envelope.id(),
                        recipient.domain(), recipient.attempts());
                expired = true;
            }
        }
        return expired;
    }

    private void removeFromSpool(QueueId id) {
        try {
            spool.remove(id);
            log.info("queueId={} removed: all recipients final", id);
        } catch (IOException e) {
            log.error("queueId={} remove failed; it will be found and removed again at the next start: {}", id,
                    e.toString());
        }
    }

    private static void logRecipient(QueueId id, EnvelopeRecipient recipient, RecipientStatus status,
            DeliveryOutcome outcome, String reply) {
        String tls = outcome.tlsProtocol() == null ? "none"
                : outcome.tlsProtocol() + " " + outcome.tlsCipher() + (outcome.peerVerified() ? " verified" : " unverified");
        String state = switch (status) {
            case DELIVERED -> "sent";
            case FAILED -> "bounced";
            case PENDING -> "deferred";
        };
        log.info("queueId={} to={} relay={} tls={} status={} reply={}", id, Redact.address(recipient.address()),
                outcome.nextHop().isEmpty() ? "none" : outcome.nextHop(), tls, state, Redact.text(reply));
    }

    private static Map<GroupKey, List<String>> groupPending(Envelope envelope) {
        Map<GroupKey, List<String>> groups = new LinkedHashMap<>();
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            if (recipient.status() == RecipientStatus.PENDING) {
                GroupKey key = new GroupKey(recipient.domain(), recipient.plan().first().tlsLevel());
                groups.computeIfAbsent(key, ignored -> new ArrayList<>()).add(recipient.address());
            }
        }
        return groups;
    }

    private static EnvelopeRecipient findRecipient(Envelope envelope, String address) {
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            if (recipient.address().equals(address)) {
                return recipient;
            }
        }
        return null;
    }

    private static long countPending(Envelope envelope) {
        return envelope.recipients().stream().filter(r -> r.status() == RecipientStatus.PENDING).count();
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

    private record GroupKey(String domain, TlsLevel tlsLevel) {
    }

    /** Queue state of one message; guarded by its own monitor. */
    private static final class Entry {
        Envelope envelope;
        boolean active;
        int groupsInFlight;
        int deferrals;
        java.util.concurrent.ScheduledFuture<?> retry;

        Entry(Envelope envelope) {
            this.envelope = envelope;
        }
    }
}
