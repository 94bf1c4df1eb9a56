package org.sealrelay.gateway.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.policy.DeliveryMethod;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.TlsLevel;

/**
 * Groups a message's pending recipients into delivery requests by destination domain, TLS level,
 * delivery method and policy edits, and picks the TLS level each recipient's plan step needs.
 */
final class DeliveryGroups {
    private DeliveryGroups() {
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
     * Groups pending recipients into delivery requests. Recipients of an encrypting step get a
     * request each, because each copy is encrypted to that recipient's key alone.
     */
    static Map<GroupKey, List<String>> groupPending(Envelope envelope, TlsLevel encryptedCopyLevel) {
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

    /** Returns the recipient with that address, or null when the envelope has none. */
    static EnvelopeRecipient findRecipient(Envelope envelope, String address) {
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            if (recipient.address().equals(address)) {
                return recipient;
            }
        }
        return null;
    }

    /**
     * Recipients that can share one SMTP transaction: same domain, level, method and edits,
     * because they get the same copy. An encrypted copy is made for one recipient, and an
     * archive copy gets a transaction of its own so that no other recipient's server receives
     * its address; for those {@code recipient} is that address, else empty.
     */
    record GroupKey(String domain, TlsLevel tlsLevel, DeliveryMethod method, MessageEdits edits,
            String recipient) {
    }
}
