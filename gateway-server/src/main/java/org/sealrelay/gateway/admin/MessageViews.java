package org.sealrelay.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.RecipientStatus;

/**
 * JSON views of queued messages. Without {@code showAddresses} a view names only domains, and
 * reply text has its addresses reduced to domains, because a patient's address next to the
 * sending clinic can itself be protected health information.
 */
final class MessageViews {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private MessageViews() {
    }

    /** Returns one row of a queue listing. */
    static ObjectNode summary(Envelope envelope, boolean active, boolean showAddresses) {
        ObjectNode node = JSON.objectNode();
        node.put("id", envelope.id().value());
        node.put("arrival", envelope.receivedAt().toString());
        node.put("size", envelope.sizeOctets());
        node.put("senderDomain", domainOf(envelope.reversePath()));
        if (showAddresses) {
            node.put("sender", envelope.reversePath());
        }
        node.put("recipientCount", envelope.recipients().size());
        node.put("pendingCount", envelope.pendingCount());
        node.put("state", state(envelope, active));
        node.put("lastReply", reply(lastReply(envelope), showAddresses));
        return node;
    }

    /** Returns the full view of one message with each recipient's state. */
    static ObjectNode detail(Envelope envelope, boolean active, boolean showAddresses) {
        ObjectNode node = summary(envelope, active, showAddresses);
        node.put("clientAddress", envelope.clientAddress());
        node.put("clientHelo", envelope.clientHelo());
        node.put("eightBitMime", envelope.eightBitMime());
        ArrayNode recipients = node.putArray("recipients");
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            ObjectNode row = recipients.addObject();
            row.put("domain", recipient.domain());
            if (showAddresses) {
                row.put("address", recipient.address());
            }
            row.put("status", recipient.status().name().toLowerCase(java.util.Locale.ROOT));
            row.put("tlsLevel", recipient.plan().first().tlsLevel() == null ? ""
                    : recipient.plan().first().tlsLevel().configName());
            row.put("step", recipient.currentStep().toString());
            row.put("attempts", recipient.attempts());
            row.put("lastReply", reply(recipient.lastReply(), showAddresses));
            row.put("remoteMta", recipient.remoteMta());
            row.put("policy", recipient.policyNote());
            if (recipient.status() == RecipientStatus.FAILED) {
                row.put("notified", recipient.notified());
            }
        }
        return node;
    }

    /**
     * Returns the queue state: {@code hold}, {@code active} (an attempt in flight), {@code deferred}
     * (tried before and waiting for a retry) or {@code incoming} (not tried yet).
     */
    static String state(Envelope envelope, boolean active) {
        if (envelope.held()) {
            return "hold";
        }
        if (active) {
            return "active";
        }
        boolean tried = envelope.recipients().stream().anyMatch(recipient -> recipient.attempts() > 0);
        return tried ? "deferred" : "incoming";
    }

    private static String lastReply(Envelope envelope) {
        for (EnvelopeRecipient recipient : envelope.recipients()) {
            if (recipient.status() == RecipientStatus.PENDING && !recipient.lastReply().isEmpty()) {
                return recipient.lastReply();
            }
        }
        return "";
    }

    private static String reply(String text, boolean showAddresses) {
        return showAddresses ? text : Redact.text(text);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
