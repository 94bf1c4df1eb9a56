package org.sealrelay.gateway.audit;

import java.util.Objects;

/**
 * The audit sink together with the key that hashes addresses for it.
 *
 * @param sink where events go
 * @param key hashes addresses in events
 */
public record AuditTrail(AuditSink sink, AuditKey key) {
    public AuditTrail {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(key, "key");
    }

    /** Returns a trail that drops every event. */
    public static AuditTrail disabled() {
        return new AuditTrail(AuditSink.NONE, AuditKey.ephemeral());
    }
}
