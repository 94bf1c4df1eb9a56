package org.sealrelay.gateway.submission;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.Verdict;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, stores and enqueues a received message. The policy runs before the commit, so a
 * rejection reaches the client as a 5xx before any 250, and a 250 is only ever sent after the
 * spool's fsync.
 *
 * <p>NOTE: SMTP has one reply for the whole DATA command, so when the policy rejects or defers
 * any recipient the whole message is rejected with that recipient's reply.
 */
public final class SubmissionService {
    private static final Logger log = LoggerFactory.getLogger(SubmissionService.class);
    private static final String STORAGE_FAILED = "451 4.3.0 Message not accepted: local storage failed, try again later";
    private static final String DISK_FULL = "452 4.3.1 Insufficient system storage, try again later";

    private final Policy policy;
    private final QueueManager queueManager;
    private final Clock clock;

    public SubmissionService(Policy policy, QueueManager queueManager, Clock clock) {
        this.policy = policy;
        this.queueManager = queueManager;
        this.clock = clock;
    }

    /**
     * Decides per recipient, then commits the written content with its envelope and hands the
     * message to the queue manager. Takes ownership of {@code writer}: it is committed or
     * aborted whatever the outcome. The future never completes exceptionally.
     */
    public CompletableFuture<SubmissionResult> submit(DraftMessage draft, MessageWriter writer) {
        MessageFacts facts = new MessageFacts(draft.clientAddress(), draft.listener(), draft.tlsProtocol(),
                draft.reversePath(), draft.recipients(), writer.size());
        List<EnvelopeRecipient> recipients = new ArrayList<>(draft.recipients().size());
        for (String recipient : draft.recipients()) {
            Decision decision = policy.decide(facts, recipient);
            if (decision.verdict() != Verdict.ACCEPT) {
                log.info("queueId={} client={} rejected by rule {}: {} ({})", writer.id(), draft.clientAddress(),
                        decision.rule(), decision.reply(), decision.explanation());
                writer.abort();
                return CompletableFuture.completedFuture(new SubmissionResult.Rejected(decision.reply()));
            }
            log.debug("queueId={} recipient plan {} by rule {}: {}", writer.id(), decision.plan(),
                    decision.rule(), decision.explanation());
            recipients.add(EnvelopeRecipient.pending(recipient, decision.plan()));
        }

        Envelope envelope = new Envelope(writer.id(), draft.reversePath(), recipients, draft.eightBitMime(),
                draft.clientAddress(), draft.clientHelo(), clock.instant(), writer.size());
        CompletableFuture<Void> commit;
        try {
            commit = writer.commit(envelope);
        } catch (RuntimeException e) {
            commit = CompletableFuture.failedFuture(e);
        }
        return commit.handle((ignored, failure) -> {
            if (failure != null) {
                log.error("queueId={} client={} spool commit failed, replying 451: {}", writer.id(),
                        draft.clientAddress(), failure.toString());
                writer.abort();
                return new SubmissionResult.Rejected(isDiskFull(failure) ? DISK_FULL : STORAGE_FAILED);
            }
            log.info("queueId={} client={} from={} nrcpt={} size={} queued", envelope.id(), draft.clientAddress(),
                    Redact.address(envelope.reversePath()), recipients.size(), envelope.sizeOctets());
            queueManager.enqueue(envelope);
            return new SubmissionResult.Queued(envelope.id());
        });
    }

    /** Whether a spool failure was caused by a full disk or quota (ENOSPC, EDQUOT). */
    static boolean isDiskFull(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
