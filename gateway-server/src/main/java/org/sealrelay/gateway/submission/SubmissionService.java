package org.sealrelay.gateway.submission;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.logging.Redact;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.audit.AuditEvent;
import org.sealrelay.gateway.audit.AuditTrail;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.RecipientTreatment;
import org.sealrelay.policy.ArchiveCopy;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.RecipientCapabilities;
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
 * <p>Each recipient's rule and evidence are stored with the message as its policy note, and
 * its header and subject edits as its {@link RecipientTreatment}, which delivery applies. An
 * archive copy that a decision requests becomes an extra recipient with its own plan, NOTIFY=NEVER
 * and no edits. Recipients whose decisions name the same archive address share one copy.
 *
 * <p>Every decision is appended to the audit trail. For an accepted message the audit lines are
 * durable before the spool commit starts, so the 250 follows both fsyncs. Both are group
 * commits shared with concurrent messages. If the audit write fails the message is not
 * accepted (451).
 */
public final class SubmissionService {
    private static final Logger log = LoggerFactory.getLogger(SubmissionService.class);
    private static final String STORAGE_FAILED = "451 4.3.0 Message not accepted: local storage failed, try again later";
    private static final String DISK_FULL = "452 4.3.1 Insufficient system storage, try again later";
    private static final String AUDIT_FAILED = "451 4.3.0 Message not accepted: audit log write failed, try again later";
    private static final String POLICY_FAILED = "451 4.3.0 Message not accepted: policy evaluation failed, try again later";

    private final Policy policy;
    private final ContentExtractor extractor;
    private final QueueManager queueManager;
    private final Clock clock;
    private final Executor inspectionExecutor;
    private final RecipientCapabilitySource capabilities;
    private final AuditTrail audit;
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
        this(policy, extractor, queueManager, clock, inspectionExecutor, RecipientCapabilitySource.NONE,
                AuditTrail.disabled());
    }

    /**
     * @param extractor reads content facts for policies that need them
     * @param inspectionExecutor runs read-back, extraction and policy evaluation; must not be an event loop
     * @param capabilities recipient facts for the rules, looked up in memory
     * @param audit where decisions are recorded
     */
    public SubmissionService(Policy policy, ContentExtractor extractor, QueueManager queueManager, Clock clock,
            Executor inspectionExecutor, RecipientCapabilitySource capabilities, AuditTrail audit) {
        this(policy, extractor, queueManager, clock, inspectionExecutor, capabilities, audit,
                CommittedMessageListener.NONE);
    }

    /** As above, with {@code committedListener} receiving each message after the commit, such as the key harvester. */
    public SubmissionService(Policy policy, ContentExtractor extractor, QueueManager queueManager, Clock clock,
            Executor inspectionExecutor, RecipientCapabilitySource capabilities, AuditTrail audit,
            CommittedMessageListener committedListener) {
        this.capabilities = capabilities;
        this.audit = audit;
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
                draft.reversePath(), draft.recipients(), writer.size(), content, draft.client(),
                draft.options().requireTls(), lookUpCapabilities(draft.recipients()));
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
        List<AuditEvent> events = new ArrayList<>(decisions.size());
        for (int i = 0; i < decisions.size(); i++) {
            events.add(DecisionRecords.decision(audit.key(), writer.id(), clock.instant(), draft,
                    draft.recipients().get(i), decisions.get(i)));
        }
        List<EnvelopeRecipient> recipients = new ArrayList<>(draft.recipients().size());
        Map<String, ArchiveCopy> archives = new LinkedHashMap<>();
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
                return recordRejection(writer, events, decision.reply());
            }
            recipients.add(EnvelopeRecipient.pending(recipient, decision.plan(), draft.dsnRequests().get(i))
                    .withPolicyNote(policyNote(decision))
                    .withTreatment(new RecipientTreatment(decision.edits(), decision.exempt(), false)));
            decision.archive().ifPresent(copy -> archives.putIfAbsent(copy.address().toLowerCase(Locale.ROOT), copy));
        }
        addArchiveCopies(writer, draft, recipients, archives);
        return commit(draft, writer, recipients, hold, events);
    }

    private Map<String, RecipientCapabilities> lookUpCapabilities(List<String> recipients) {
        Map<String, RecipientCapabilities> known = new HashMap<>();
        for (String recipient : recipients) {
            known.putIfAbsent(recipient, capabilities.lookup(recipient));
        }
        return known;
    }

    /**
     * Adds one recipient per archive address. An archive address that is already a recipient
     * gets no second copy, because the envelope keeps one state per address.
     */
    private static void addArchiveCopies(MessageWriter writer, DraftMessage draft, List<EnvelopeRecipient> recipients,
            Map<String, ArchiveCopy> archives) {
        for (ArchiveCopy copy : archives.values()) {
            boolean alreadyRecipient = draft.recipients().stream().anyMatch(address -> address.equalsIgnoreCase(copy.address()));
            if (alreadyRecipient) {
                log.info("queueId={} archive domain={} is also a recipient; no separate archive copy", writer.id(),
                        Redact.address(copy.address()));
                continue;
            }
            // NOTIFY=NEVER: a bounce or delay notice would show the sender the archive address.
            recipients.add(EnvelopeRecipient.pending(copy.address(), copy.plan(),
                            new DsnRequest(Set.of(DsnRequest.Notify.NEVER), ""))
                    .withPolicyNote("archive copy")
                    .withTreatment(RecipientTreatment.archive()));
        }
    }

    /** Records the decisions of a message that is not accepted, then returns its reply; an audit failure is logged. */
    private CompletableFuture<SubmissionResult> recordRejection(MessageWriter writer, List<AuditEvent> events,
            String reply) {
        return appendAudit(events).handle((ignored, failure) -> {
            if (failure != null) {
                log.error("queueId={} audit write for a rejected message failed: {}", writer.id(), failure.toString());
            }
            return new SubmissionResult.Rejected(reply);
        });
    }

    private CompletableFuture<Void> appendAudit(List<AuditEvent> events) {
        try {
            return audit.sink().append(events);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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
        if (!decision.edits().isEmpty() || decision.exempt() || decision.archive().isPresent()) {
            log.info("queueId={} rcpt={} rule={} edits={} exempt={} archive={}", writer.id(), Redact.address(recipient),
                    decision.rule(), decision.edits(), decision.exempt(),
                    decision.archive().map(copy -> Redact.address(copy.address())).orElse("none"));
        }
    }

    private CompletableFuture<SubmissionResult> commit(DraftMessage draft, MessageWriter writer,
            List<EnvelopeRecipient> recipients, boolean hold, List<AuditEvent> events) {
        Envelope envelope = new Envelope(writer.id(), draft.reversePath(), recipients, draft.eightBitMime(),
                draft.clientAddress(), draft.clientHelo(), clock.instant(), writer.size(), hold, false,
                draft.options());
        CompletableFuture<SubmissionResult> auditFailed = new CompletableFuture<>();
        CompletableFuture<Void> commit = appendAudit(events).handle((ignored, failure) -> failure)
                .thenCompose(auditFailure -> {
                    if (auditFailure != null) {
                        log.error("queueId={} client={} audit write failed, replying 451: {}", writer.id(),
                                draft.clientAddress(), auditFailure.toString());
                        writer.abort();
                        auditFailed.complete(new SubmissionResult.Rejected(AUDIT_FAILED));
                        return CompletableFuture.completedFuture(null);
                    }
                    try {
                        return writer.commit(envelope);
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                });
        return commit.handle((ignored, failure) -> {
            if (auditFailed.isDone()) {
                return auditFailed.join();
            }
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
