package org.sealrelay.gateway.audit;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Destination of audit events. */
public interface AuditSink {
    /** A sink that drops every event, for gateways and tests without an audit trail. */
    AuditSink NONE = events -> CompletableFuture.completedFuture(null);

    /**
     * Appends events in order. The future completes when they are durable (written and
     * fsynced), or exceptionally when they could not be written.
     */
    CompletableFuture<Void> append(List<AuditEvent> events);
}
