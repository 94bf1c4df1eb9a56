package org.sealrelay.gateway.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * Carries out one delivery attempt. The returned future never completes exceptionally: every
 * failure, including a bug caught at the edge, becomes a per-recipient outcome, so the queue
 * manager always learns what happened to each recipient.
 */
public interface DeliveryAgent extends AutoCloseable {
    /** Starts an attempt; the future completes when the session with the next hop has ended. */
    CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request);

    @Override
    void close();
}
