package org.sealrelay.gateway.queue;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns delivery results into recipient states: delivered, failed for good, deferred, moved to
 * the next plan step, or expired after the queue lifetime. Each recipient's result is logged
 * with its address redacted.
 */
final class RecipientOutcomes {
    // Logs under the queue manager's name, so log settings made for it keep covering these lines.
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    private final QueueConfig config;
    private final Clock clock;

    RecipientOutcomes(QueueConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Applies one delivery's result for each of its recipients to the entry's envelope, and moves a
     * recipient whose plan step cannot be met to its next step. The caller holds the entry lock.
     */
    void record(QueueEntry entry, DeliveryOutcome outcome) {
        for (Map.Entry<String, RecipientOutcome> result : outcome.byRecipient().entrySet()) {
            EnvelopeRecipient recipient = DeliveryGroups.findRecipient(entry.envelope, result.getKey());
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
    }

    /** Fails pending recipients of a message past its lifetime; returns whether any expired. */
    boolean expirePending(QueueEntry entry) {
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
     * Whether a deferral means the step's requirement cannot be met: the delivery agent reports
     * STARTTLS missing, failed or unverified handshakes, and a recipient without a usable key
     * for a {@code pgp} or {@code smime} step with enhanced code 4.7.5 (RFC 3463: cryptographic
     * failure).
     */
    static boolean isTlsUnavailable(String reply) {
        String text = reply.startsWith("4") && reply.length() > 4 && reply.charAt(3) == ' ' ? reply.substring(4) : reply;
        return text.startsWith("4.7.5");
    }
}
