package org.sealrelay.gateway.queue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.EditedContent;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.queue.DeliveryGroups.GroupKey;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one delivery per recipient group of an attempt, bounded by a global number of slots, a
 * number per domain ({@link DestinationSlots}) and a start rate per domain
 * ({@link DestinationRateLimiter}), and hands each group's outcome back on the {@code queue-io}
 * threads.
 */
final class DeliveryDispatcher {
    // Logs under the queue manager's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    private final Spool spool;
    private final DeliveryAgent agent;
    private final ExecutorService io;
    private final Semaphore deliverySlots;
    private final DestinationSlots destinationSlots;
    private final DestinationRateLimiter destinationRates;
    private final BiConsumer<QueueEntry, DeliveryOutcome> recordOutcome;

    /**
     * @param io the {@code queue-io} threads, which run slot waits and record outcomes
     * @param recordOutcome records one group's outcome in the entry
     */
    DeliveryDispatcher(Spool spool, DeliveryAgent agent, QueueConfig config, Clock clock,
            ScheduledExecutorService scheduler, ExecutorService io, BiConsumer<QueueEntry, DeliveryOutcome> recordOutcome) {
        this.spool = spool;
        this.agent = agent;
        this.io = io;
        this.recordOutcome = recordOutcome;
        this.deliverySlots = new Semaphore(config.maxConcurrentDeliveries());
        this.destinationSlots = new DestinationSlots(config.maxConcurrentPerDestination(), io);
        this.destinationRates = new DestinationRateLimiter(config.destinationRates(), clock, scheduler, io);
    }

    /**
     * Starts a delivery for each group once the destination's slot and rate limits allow it. The
     * caller has already marked the entry active, with one group in flight for each group here.
     */
    void dispatch(QueueEntry entry, Envelope envelope, Map<GroupKey, List<String>> groups) {
        QueueId id = envelope.id();
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

    private void startDelivery(QueueEntry entry, Envelope envelope, GroupKey key, List<String> recipients) {
        List<DsnRequest> dsnRequests = new ArrayList<>(recipients.size());
        for (String address : recipients) {
            EnvelopeRecipient recipient = DeliveryGroups.findRecipient(envelope, address);
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
            recordOutcome.accept(entry, DeliveryOutcome.all(recipients, RecipientOutcome.Result.DEFERRED,
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
                io.execute(() -> recordOutcome.accept(entry, finalResult));
            } catch (RejectedExecutionException e) {
                log.info("queueId={} outcome not recorded because the queue manager is stopping; "
                        + "the spool keeps the earlier state", envelope.id());
            }
        });
    }
}
