package org.sealrelay.gateway.submission;

import java.time.Instant;
import java.util.Optional;
import org.sealrelay.gateway.audit.AuditEvent;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.policy.ArchiveCopy;
import org.sealrelay.policy.Decision;

/**
 * Builds the audit event of one policy decision. Addresses appear only as domain and keyed
 * hash; the evidence names conditions and detector counts, never matched text.
 */
final class DecisionRecords {
    private DecisionRecords() {
    }

    static AuditEvent decision(AuditKey key, QueueId id, Instant time, DraftMessage draft, String recipient,
            Decision decision) {
        AuditEvent event = new AuditEvent("decision", time)
                .with("queueId", id.value())
                .with("listener", draft.listener())
                .with("client", draft.clientAddress())
                .with("tls", draft.tlsProtocol() == null ? "none" : draft.tlsProtocol());
        if (draft.client().isAuthenticated()) {
            addIdentity(key, event, "authUser", draft.client().authenticatedUser());
        }
        if (draft.client().hasCertificate()) {
            addIdentity(key, event, "clientCertificate", draft.client().certificateSubject());
        }
        event.with("rcptDomain", domainOf(recipient))
                .with("rcptHash", key.addressHash(recipient))
                .with("verdict", decision.verdict().name().toLowerCase(java.util.Locale.ROOT))
                .with("rule", decision.rule())
                .with("plan", decision.plan() == null ? "" : decision.plan().toString())
                .with("evidence", decision.evidence());
        if (decision.exempt()) {
            event.with("exempt", true);
        }
        if (!decision.edits().isEmpty()) {
            event.with("edits", decision.edits().toString());
        }
        Optional<ArchiveCopy> archive = decision.archive();
        if (archive.isPresent()) {
            event.with("archiveDomain", domainOf(archive.get().address()))
                    .with("archiveHash", key.addressHash(archive.get().address()));
        }
        return event;
    }

    /**
     * Adds a client identity as is, unless it contains '@': a user name or certificate subject
     * that is a mail address is recorded like a recipient, as domain and keyed hash.
     */
    private static void addIdentity(AuditKey key, AuditEvent event, String field, String value) {
        if (value.indexOf('@') < 0) {
            event.with(field, value);
            return;
        }
        event.with(field + "Domain", domainOf(value)).with(field + "Hash", key.addressHash(value));
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
