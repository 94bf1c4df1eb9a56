package org.sealrelay.gateway.submission;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.Verdict;
import org.sealrelay.policy.content.ContentFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, stores and enqueues a received message. The policy runs before the commit, so a
 * rejection reaches the client as a 5xx before any 250, and a 250 is only ever sent after the
 * spool's fsync.
 *
 * <p>When the policy reads content, the message is read back from the spool writer (see
 * {@link MessageWriter#openWritten()}) and parsed on the inspection executor, never on the
 * event loop. The SMTP data path stays unchanged, and memory per message is bounded by the
 * extraction limits, not by the message size.
 *
 * <p>NOTE: SMTP has one reply for the whole DATA command, so when the policy rejects, defers
 * or holds any recipient the whole message is answered with that recipient's reply.
 *
 * <p>NOTE: the envelope has no field for the decision, so the rule and evidence are logged per
 * recipient but not stored with the message, and header and subject edits are not applied yet.
 */
public final class SubmissionService {
    private static final Logger log = LoggerFactory.getLogger(SubmissionService.class);
    private static final String STORAGE_FAILED = "451 4.3.0 Message not accepted: local storage failed, try again later";
    private static final String DISK_FULL = "452 4.3.1 Insufficient system storage, try again later";
    private static final String POLICY_FAILED = "451 4.3.0 Message not accepted: policy evaluation failed, try again later";

    private final Policy policy;
    private final ContentExtractor extractor;
    private final QueueManager queueManager;
    private final Clock clock;
    private final Executor inspectionExecutor;
    private final CommittedMessageListener committedListener;

    /** Creates a service whose policy decides on the envelope alone or reads content on the caller's thread. */
    public SubmissionService(Policy policy, QueueManager queueManager, Clock clock) {
        this(policy, new ContentExtractor(ExtractionLimits.DEFAULTS), queueManager, clock, Runnable::run);
    }

    /**
     * @param extractor reads content facts for policies that need them
     * @param inspectionExecutor runs read-back, extraction and policy evaluation; must not be an event loop
     */
    public SubmissionService(Policy policy, ContentExtractor extractor, QueueManager queueManager, Clock clock,
            Executor inspectionExecutor) {
        this(policy, extractor, queueManager, clock, inspectionExecutor, CommittedMessageListener.NONE);
    }

    /** @param committedListener receives each message after the commit, such as the key harvester */
    public SubmissionService(Policy policy, ContentExtractor extractor, QueueManager queueManager, Clock clock,
            Executor inspectionExecutor, CommittedMessageListener committedListener) {
        this.policy = policy;
        this.extractor = extractor;
        this.queueManager = queueManager;
        this.clock = clock;
        this.inspectionExecutor = inspectionExecutor;
        this.committedListener = committedListener;
    }

    /**
     * Decides per recipient, then commits the written content with its envelope and hands the
     * message to the queue manager. Takes ownership of {@code writer}: it is committed or
     * aborted whatever the outcome. The future never completes exceptionally.
     */
    public CompletableFuture<SubmissionResult> submit(DraftMessage draft, MessageWriter writer) {
        if (!policy.needsContent()) {
            return decideAndCommit(draft, writer, ContentFacts.NOT_READ);
        }
        CompletableFuture<SubmissionResult> result = new CompletableFuture<>();
        try {
            inspectionExecutor.execute(() -> {
                CompletableFuture<SubmissionResult> inspected;
                try {
                    inspected = inspect(draft, writer);
                } catch (RuntimeException | StackOverflowError e) {
                    inspected = CompletableFuture.failedFuture(e);
                }
                inspected.whenComplete((submitted, failure) -> {
                    if (failure != null) {
                        log.error("queueId={} client={} submission failed unexpectedly, replying 451: {}",
                                writer.id(), draft.clientAddress(), describe(failure));
                        writer.abort();
                        result.complete(new SubmissionResult.Rejected(POLICY_FAILED));
                    } else {
                        result.complete(submitted);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            log.warn("queueId={} client={} inspection executor is shut down, replying 451", writer.id(),
                    draft.clientAddress());
            writer.abort();
            result.complete(new SubmissionResult.Rejected(STORAGE_FAILED));
        }
        return result;
    }

    private CompletableFuture<SubmissionResult> inspect(DraftMessage draft, MessageWriter writer) {
        ContentFacts content;
        try (InputStream in = writer.openWritten()) {
            content = extractor.extract(in);
        } catch (IOException e) {
            log.error("queueId={} client={} reading the message back for the policy failed, replying 451: {}",
                    writer.id(), draft.clientAddress(), e.toString());
            writer.abort();
            return CompletableFuture.completedFuture(new SubmissionResult.Rejected(STORAGE_FAILED));
        }
        return decideAndCommit(draft, writer, content);
    }

    private CompletableFuture<SubmissionResult> decideAndCommit(DraftMessage draft, MessageWriter writer,
            ContentFacts content) {
        MessageFacts facts = new MessageFacts(draft.clientAddress(), draft.listener(), draft.tlsProtocol(),
                draft.reversePath(), draft.recipients(), writer.size(), content);
        List<Decision> decisions;
        try {
            decisions = policy.decideAll(facts);
        } catch (RuntimeException | StackOverflowError e) {
            // A deep regular expression on long text can overflow the stack; that is a policy failure.
            log.error("queueId={} client={} policy evaluation failed, replying 451: {}", writer.id(),
                    draft.clientAddress(), describe(e));
            writer.abort();
            return CompletableFuture.completedFuture(new SubmissionResult.Rejected(POLICY_FAILED));
        }
        List<EnvelopeRecipient> recipients = new ArrayList<>(draft.recipients().size());
        boolean hold = false;
        for (int i = 0; i < decisions.size(); i++) {
            String recipient = draft.recipients().get(i);
            Decision decision = decisions.get(i);
            logDecision(writer, recipient, decision);
            // A hold is accepted and kept in the queue's hold state until an administrator acts.
            hold |= decision.verdict() == Verdict.HOLD;
            if (decision.verdict() == Verdict.REJECT || decision.verdict() == Verdict.DEFER) {
                log.info("queueId={} client={} message not accepted because of rcpt={}: {}", writer.id(),
                        draft.clientAddress(), Redact.address(recipient), decision.reply());
                writer.abort();
                return CompletableFuture.completedFuture(new SubmissionResult.Rejected(decision.reply()));
            }
            recipients.add(EnvelopeRecipient.pending(recipient, decision.plan(), draft.dsnRequests().get(i))
                    .withPolicyNote(policyNote(decision)));
        }
        return commit(draft, writer, recipients, hold);
    }

    /**
     * Describes a failure by its class and the frame that threw it. The message is left out,
     * because exceptions from parsers and patterns can quote the message text they were given.
     */
    static String describe(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        return failure.getClass().getName() + (frames.length == 0 ? "" : " at " + frames[0]);
    }

    // The explanation and evidence name rules, condition kinds and detector counts only.
    private static void logDecision(MessageWriter writer, String recipient, Decision decision) {
        log.info("queueId={} rcpt={} verdict={} rule={} plan={} evidence={}", writer.id(), Redact.address(recipient),
                decision.verdict(), decision.rule(), decision.plan(), decision.evidence());
        if (!decision.edits().isEmpty()) {
            log.warn("queueId={} rule={} requests {}, which is not applied yet", writer.id(), decision.rule(),
                    decision.edits());
        }
    }

    private CompletableFuture<SubmissionResult> commit(DraftMessage draft, MessageWriter writer,
            List<EnvelopeRecipient> recipients, boolean hold) {
        Envelope envelope = new Envelope(writer.id(), draft.reversePath(), recipients, draft.eightBitMime(),
                draft.clientAddress(), draft.clientHelo(), clock.instant(), writer.size(), hold, false,
                draft.options());
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
            log.info("queueId={} client={} from={} nrcpt={} size={} queued{}", envelope.id(), draft.clientAddress(),
                    Redact.address(envelope.reversePath()), recipients.size(), envelope.sizeOctets(),
                    hold ? " on hold for review" : "");
            queueManager.enqueue(envelope);
            notifyCommitted(envelope);
            return new SubmissionResult.Queued(envelope.id());
        });
    }

    // The message is already accepted, so a listener's failure must not change the reply.
    private void notifyCommitted(Envelope envelope) {
        try {
            committedListener.committed(envelope);
        } catch (RuntimeException e) {
            log.error("queueId={} committed-message listener failed: {}", envelope.id(), describe(e));
        }
    }

    /** Returns the rule and evidence of a decision as kept with the message; PHI-free by contract. */
    static String policyNote(Decision decision) {
        String note = "rule=" + decision.rule();
        return decision.evidence().isEmpty() ? note : note + " evidence=" + String.join(",", decision.evidence());
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
