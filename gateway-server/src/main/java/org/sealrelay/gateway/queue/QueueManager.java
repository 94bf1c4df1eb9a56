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
import org.sealrelay.gateway.delivery.EditedContent;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.policy.DeliveryMethod;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules spooled messages for delivery and records what happened to each recipient.
 *
 * <p>Design: every queued message has an {@link Entry} in memory. An attempt groups the
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
 * <p>Recipients that fail for good (5xx, lifetime expiry, or an administrator's bounce) get one
 * delivery status notification per attempt through the {@link FailureNotifier}. The order is:
 * notification durable in the spool, then the failed recipients marked as notified in the
 * envelope, then the envelope updated or the message removed. A crash between the first and the
 * last step leaves the original with its failures not marked, so the next start sends a second
 * notification rather than none. Failures of a message with the null reverse-path are marked
 * without a notification. Delivered recipients that asked for NOTIFY=SUCCESS from a next hop
 * without the DSN extension get a "relayed" notice in the same order; every other delivered
 * recipient is marked notified when its delivery is recorded.
 *
 * <p>A message on hold ({@link Envelope#held()}) gets no delivery attempt and no retry until
 * it is released. An attempt already in flight when the hold is set finishes normally.
 */
public final class QueueManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);
    static final String ADMIN_BOUNCE_REASON = "5.0.0 message returned to the sender by the mail administrator";

    private final Spool spool;
    private final DeliveryAgent agent;
    private final FailureNotifier notifier;
    private final QueueConfig config;
    private final Clock clock;
    private final RetrySchedule retrySchedule;
    private final Semaphore deliverySlots;
    private final DestinationSlots destinationSlots;
    private final DestinationRateLimiter destinationRates;
    private final Map<QueueId, Entry> entries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final TlsLevel encryptedCopyLevel;
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
        this.agent = agent;
        this.notifier = notifier;
        this.config = config;
        this.clock = clock;
        this.retrySchedule = new RetrySchedule(config);
        this.deliverySlots = new Semaphore(config.maxConcurrentDeliveries());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("queue-scheduler"));
        this.io = Executors.newFixedThreadPool(4, daemonThreads("queue-io"));
        this.destinationSlots = new DestinationSlots(config.maxConcurrentPerDestination(), io);
        this.destinationRates = new DestinationRateLimiter(config.destinationRates(), clock, scheduler, io);
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
        for (Entry entry : entries.values()) {
            flush(entry.id());
        }
    }

    /**
     * Makes one message that waits for a retry due now.
     *
     * @return DONE, UNCHANGED when it is on hold or an attempt is in flight, or NOT_FOUND
     */
    public ChangeResult flush(QueueId id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (entry.envelope.held() || entry.active || entry.retry == null || !entry.retry.cancel(false)) {
                return ChangeResult.UNCHANGED;
            }
            entry.retry = null;
            submitAttempt(id);
            return ChangeResult.DONE;
        }
    }

    /**
     * Puts a message on hold and writes the hold to its envelope, like {@code postsuper -h}. A
     * delivery attempt in flight finishes, but no further attempt is scheduled.
     */
    public ChangeResult hold(QueueId id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (entry.envelope.held()) {
                return ChangeResult.UNCHANGED;
            }
            if (!persist(entry, entry.envelope.withHeld(true), "hold")) {
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

    /** Releases a held message, like {@code postsuper -H}, and makes it due now. */
    public ChangeResult release(QueueId id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return ChangeResult.NOT_FOUND;
        }
        synchronized (entry) {
            if (!entry.envelope.held()) {
                return ChangeResult.UNCHANGED;
            }
            if (!persist(entry, entry.envelope.withHeld(false), "release")) {
                return ChangeResult.FAILED;
            }
            log.info("queueId={} released from hold by the administrator", id);
            if (!entry.active) {
                submitAttempt(id);
            }
            return ChangeResult.DONE;
        }
    }

    /**
     * Removes a message from the queue and the spool without notifying anyone, like
     * {@code postsuper -d}. An attempt in flight may still deliver to its recipients, but its
     * outcome is not recorded.
     */
    public ChangeResult delete(QueueId id) {
        Entry entry = entries.get(id);
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

    /**
     * Fails every pending recipient of a message now, sends the sender a delivery status
     * notification and removes the message, also when it is on hold.
     *
     * @return BUSY while an attempt is in flight, because its outcome would overwrite the bounce
     */
    public ChangeResult bounce(QueueId id) {
        Entry entry = entries.get(id);
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
            finishAttempt(entry);
            return ChangeResult.DONE;
        }
    }

    /** Returns snapshots of every queued message's envelope in queue id order, which is arrival order. */
    public List<Envelope> snapshot() {
        List<Envelope> envelopes = new ArrayList<>(entries.size());
        for (Entry entry : entries.values()) {
            synchronized (entry) {
                envelopes.add(entry.envelope);
            }
        }
        envelopes.sort(java.util.Comparator.comparing(Envelope::id));
        return envelopes;
    }

    /** Returns whether a delivery attempt for the message is in flight. */
    public boolean isActive(QueueId id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            return false;
        }
        synchronized (entry) {
            return entry.active;
        }
    }

    /** Replaces the entry's envelope with {@code updated} after writing it to the spool; holds the entry lock. */
    private boolean persist(Entry entry, Envelope updated, String change) {
        try {
            spool.update(updated);
        } catch (IOException e) {
            log.error("queueId={} {} not written to the spool; the message keeps its earlier state: {}",
                    updated.id(), change, e.toString());
            return false;
        }
        entry.envelope = updated;
        return true;
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
            if (entry.active || entry.deleted || entry.envelope.held()) {
                return;
            }
            expirePending(entry);
            envelope = entry.envelope;
            groups = groupPending(envelope, encryptedCopyLevel);
            if (groups.isEmpty()) {
                // Nothing to deliver: every recipient is final, but a notification may still be due.
                finishAttempt(entry);
                return;
            }
            entry.active = true;
            entry.groupsInFlight = groups.size();
        }
        for (Map.Entry<GroupKey, List<String>> group : groups.entrySet()) {
            GroupKey key = group.getKey();
            try {
                destinationSlots.submit(key.domain(), () -> destinationRates.run(key.domain(),
                        () -> startDelivery(entry, envelope, key, group.getValue())));
            } catch (RejectedExecutionException e) {
                log.debug("queueId={} delivery to {} not started: queue manager is stopping", id, key.domain());
            }
        }
    }

    private void startDelivery(Entry entry, Envelope envelope, GroupKey key, List<String> recipients) {
        List<DsnRequest> dsnRequests = new ArrayList<>(recipients.size());
        for (String address : recipients) {
            EnvelopeRecipient recipient = findRecipient(envelope, address);
            dsnRequests.add(recipient == null ? DsnRequest.DEFAULT : recipient.dsn());
        }
        DeliveryRequest request = new DeliveryRequest(envelope.id(), envelope.reversePath(), recipients,
                key.domain(), key.tlsLevel(), envelope.eightBitMime(),
                EditedContent.sizeBound(envelope.sizeOctets(), key.edits()),
                EditedContent.of(() -> spool.openContent(envelope.id()), key.edits()), envelope.options(), dsnRequests,
                key.method());
        try {
            deliverySlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destinationSlots.release(key.domain());
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
            try {
                destinationSlots.release(key.domain());
            } catch (RejectedExecutionException e) {
                log.debug("queueId={} waiting deliveries to {} dropped: queue manager is stopping", envelope.id(),
                        key.domain());
            }
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
                EnvelopeRecipient updated = recipient.afterAttempt(status, reply, outcome.nextHop());
                if (status == RecipientStatus.DELIVERED && !(result.getValue().relayedWithoutDsn()
                        && recipient.dsn().wantsSuccessReport())) {
                    // No "relayed" notice is due: NOTIFY=SUCCESS was passed on or never asked for.
                    updated = updated.asNotified();
                }
                logRecipient(entry.envelope.id(), recipient, status, outcome, reply);
                if (status == RecipientStatus.PENDING && isTlsUnavailable(reply) && updated.hasNextStep()) {
                    updated = updated.withNextStep();
                    entry.fallbackDue = true;
                    log.info("queueId={} to={} plan step {} cannot be met ({}); falling back to {}", entry.envelope.id(),
                            Redact.address(recipient.address()), recipient.currentStep(), Redact.reply(reply),
                            updated.currentStep());
                }
                entry.envelope = entry.envelope.withRecipient(updated);
            }
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
    private void finishAttempt(Entry entry) {
        QueueId id = entry.envelope.id();
        if (entry.deleted) {
            log.info("queueId={} attempt ended after the message was deleted; its outcome is discarded", id);
            return;
        }
        if (!entry.envelope.isComplete()) {
            expirePending(entry);
        }
        notifyFailures(entry);
        notifyRelayed(entry);
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
        warnOfDelay(entry);
        entry.deferrals++;
        Duration delay = retrySchedule.delayAfter(entry.deferrals);
        log.info("queueId={} {} recipient(s) deferred, next attempt in {} s", id, entry.envelope.pendingCount(),
                delay.toSeconds());
        if (!closed) {
            entry.retry = scheduler.schedule(() -> submitAttempt(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Writes one notification for the recipients that failed and are not yet notified, and marks
     * them notified once it is durable. On a write failure they stay unmarked, so the next attempt
     * tries again. Holds the entry lock.
     */
    private void notifyFailures(Entry entry) {
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
            enqueue(notification);
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
    private void notifyRelayed(Entry entry) {
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
            enqueue(notice);
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
    private void warnOfDelay(Entry entry) {
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
        enqueue(notice);
        persist(entry, envelope.asDelayNotified(), "delay notice flag");
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
                entry.envelope = entry.envelope.withRecipient(recipient.failedWith(reason));
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
                outcome.nextHop().isEmpty() ? "none" : outcome.nextHop(), tls, state, Redact.reply(reply));
    }

    /**
     * Returns the TLS level of the recipient's current plan step, or {@code encryptedCopyLevel}
     * for a step that encrypts the content, raised to {@code verify} for a REQUIRETLS message
     * (RFC 8689 requires a validated certificate at every hop).
     */
    static TlsLevel requiredLevel(Envelope envelope, EnvelopeRecipient recipient, TlsLevel encryptedCopyLevel) {
        PlanStep step = recipient.currentStep();
        TlsLevel level = step.method().encryptsContent() ? encryptedCopyLevel : step.tlsLevel();
        if (envelope.options().requireTls() && !level.verifiesPeer()) {
            return TlsLevel.VERIFY;
        }
        return level;
    }

    /**
     * Whether a deferral means the step's requirement cannot be met: the delivery agent reports
     * STARTTLS missing, failed or unverified handshakes, and a recipient without a usable key
     * for a {@code pgp} or {@code smime} step with enhanced code 4.7.5 (RFC 3463: cryptographic
     * failure).
     */
    static boolean isTlsUnavailable(String reply) {
        String text = reply.startsWith("4") && reply.length() > 4 && reply.charAt(3) == ' ' ? reply.substring(4) : reply;
        return text.startsWith("4.7.5");
    }

    /**
     * Groups pending recipients into delivery requests. Recipients of an encrypting step get a
     * request each, because each copy is encrypted to that recipient's key alone.
     */
    private static Map<GroupKey, List<String>> groupPending(Envelope envelope, TlsLevel encryptedCopyLevel) {
        Map<GroupKey, List<String>> groups = new LinkedHashMap<>();
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            if (recipient.status() == RecipientStatus.PENDING) {
                DeliveryMethod method = recipient.currentStep().method();
                boolean ownTransaction = method.encryptsContent() || recipient.treatment().archiveCopy();
                GroupKey key = new GroupKey(recipient.domain(), requiredLevel(envelope, recipient, encryptedCopyLevel),
                        method, recipient.treatment().edits(), ownTransaction ? recipient.address() : "");
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

    /**
     * Recipients that can share one SMTP transaction: same domain, level, method and edits,
     * because they get the same copy. An encrypted copy is made for one recipient, and an
     * archive copy gets a transaction of its own so that no other recipient's server receives
     * its address; for those {@code recipient} is that address, else empty.
     */
    private record GroupKey(String domain, TlsLevel tlsLevel, DeliveryMethod method, MessageEdits edits,
            String recipient) {
    }

    /** Queue state of one message; guarded by its own monitor. */
    private static final class Entry {
        Envelope envelope;
        boolean active;
        int groupsInFlight;
        int deferrals;
        boolean deleted;
        /** Set when a recipient moved to the next plan step, which is tried at once, without backoff. */
        boolean fallbackDue;
        java.util.concurrent.ScheduledFuture<?> retry;

        Entry(Envelope envelope) {
            this.envelope = envelope;
        }

        QueueId id() {
            return envelope.id();
        }
    }
}
