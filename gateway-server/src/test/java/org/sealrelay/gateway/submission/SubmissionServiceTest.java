package org.sealrelay.gateway.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.rules.RulesParser;

class SubmissionServiceTest {
    private static final String RULES = """
            rules:
              - name: review-subject
                when: {subject: review}
                hold: [tls-verify]
              - name: mrn-anywhere
                when: {detector: mrn}
                defer: {code: 451, enhanced-code: 4.7.1, text: Try again after the MRN check}
            default:
              deliver: [tls-encrypt]
            """;

    @RegisterExtension
    final SubmissionQueueFixture queue = new SubmissionQueueFixture(1);

    private SubmissionService service(Policy policy) {
        return new SubmissionService(policy, new ContentExtractor(ExtractionLimits.DEFAULTS), queue.queueManager(),
                Clock.systemUTC(), queue.executor());
    }

    private static DraftMessage draft(String... recipients) {
        return new DraftMessage("clinic@hospital.example", List.of(recipients), false, "192.0.2.1", "client.test",
                "smtp", null);
    }

    private MessageWriter written(String message) throws IOException {
        return queue.written(message);
    }

    private static SubmissionResult await(CompletableFuture<SubmissionResult> result) throws Exception {
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void holdIsQueuedOnHold() throws Exception {
        SubmissionService service = service(RulesParser.parse("p.yaml", RULES));

        SubmissionResult result = await(service.submit(draft("a@b.example"), written("Subject: please review\r\n\r\nx\r\n")));

        assertThat(result).isInstanceOf(SubmissionResult.Queued.class);
        org.sealrelay.gateway.spool.QueueId id = ((SubmissionResult.Queued) result).id();
        assertThat(queue.queueManager().find(id).held()).isTrue();
        assertThat(queue.spool().recover()).singleElement().satisfies(envelope -> {
            assertThat(envelope.held()).isTrue();
            assertThat(envelope.recipients().get(0).policyNote()).startsWith("rule=review-subject");
        });
    }

    @Test
    void decisionEvidenceIsStoredWithoutMatchedText() throws Exception {
        SubmissionService service = service(RulesParser.parse("p.yaml", """
                rules:
                  - name: ssn-out
                    when: {detector: ssn}
                    deliver: [tls-verify]
                default:
                  deliver: [tls-encrypt]
                """));

        SubmissionResult result = await(service.submit(draft("a@b.example"),
                written("Subject: x\r\n\r\nSSN 536-22-1234\r\n")));

        assertThat(result).isInstanceOf(SubmissionResult.Queued.class);
        String note = queue.spool().recover().get(0).recipients().get(0).policyNote();
        assertThat(note).startsWith("rule=ssn-out evidence=");
        assertThat(note).contains("ssn");
        assertThat(note).doesNotContain("536-22-1234");
    }

    @Test
    void deferIsAnsweredWithRuleReply() throws Exception {
        SubmissionService service = service(RulesParser.parse("p.yaml", RULES));

        SubmissionResult result = await(service.submit(draft("a@b.example"), written("Subject: x\r\n\r\nMRN 1234567\r\n")));

        assertThat(result).isEqualTo(new SubmissionResult.Rejected("451 4.7.1 Try again after the MRN check"));
    }

    @Test
    void acceptedMessageIsQueuedWithRulePlan() throws Exception {
        SubmissionService service = service(RulesParser.parse("p.yaml", RULES));

        SubmissionResult result = await(service.submit(draft("a@b.example"), written("Subject: hello\r\n\r\nx\r\n")));

        assertThat(result).isInstanceOf(SubmissionResult.Queued.class);
        QueueId id = ((SubmissionResult.Queued) result).id();
        assertThat(queue.spool().recover()).singleElement().satisfies(envelope -> {
            assertThat(envelope.id()).isEqualTo(id);
            assertThat(envelope.recipients().get(0).plan().toString()).isEqualTo("[tls-encrypt]");
        });
    }

    private static Policy throwing(RuntimeException runtime, StackOverflowError error) {
        return new Policy() {
            @Override
            public Decision decide(MessageFacts message, String recipient) {
                if (runtime != null) {
                    throw runtime;
                }
                throw error;
            }

            @Override
            public boolean needsContent() {
                return true;
            }
        };
    }

    @Test
    void failingPolicyGivesTemporaryFailure() throws Exception {
        Policy broken = throwing(new IllegalStateException("input was 536-22-8174"), null);
        SubmissionResult result;
        try (LogCapture logs = new LogCapture()) {
            result = await(service(broken).submit(draft("a@b.example"), written("Subject: x\r\n\r\nx\r\n")));

            assertThat(logs.lines()).anyMatch(line -> line.contains("policy evaluation failed, replying 451: "
                    + "java.lang.IllegalStateException at "));
            assertThat(logs.lines()).noneMatch(line -> line.contains("536-22-8174"));
        }

        assertThat(result).isEqualTo(new SubmissionResult.Rejected(
                "451 4.3.0 Message not accepted: policy evaluation failed, try again later"));
        assertThat(queue.spool().recover()).isEmpty();
    }

    @Test
    void stackOverflowInPolicyGivesTemporaryFailure() throws Exception {
        Policy broken = throwing(null, new StackOverflowError());

        SubmissionResult result = await(service(broken).submit(draft("a@b.example"), written("Subject: x\r\n\r\nx\r\n")));

        assertThat(result).isEqualTo(new SubmissionResult.Rejected(
                "451 4.3.0 Message not accepted: policy evaluation failed, try again later"));
    }

    @Test
    void unreadableSpoolGivesStorageFailure() throws Exception {
        MessageWriter writer = written("Subject: x\r\n\r\nx\r\n");
        MessageWriter failing = new MessageWriter() {
            @Override
            public QueueId id() {
                return writer.id();
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                writer.write(bytes, offset, length);
            }

            @Override
            public long size() {
                return writer.size();
            }

            @Override
            public InputStream openWritten() throws IOException {
                throw new IOException("disk read failed");
            }

            @Override
            public CompletableFuture<Void> commit(org.sealrelay.gateway.spool.Envelope envelope) {
                return writer.commit(envelope);
            }

            @Override
            public void abort() {
                writer.abort();
            }
        };

        SubmissionResult result = await(service(RulesParser.parse("p.yaml", RULES)).submit(draft("a@b.example"), failing));

        assertThat(result).isEqualTo(new SubmissionResult.Rejected(
                "451 4.3.0 Message not accepted: local storage failed, try again later"));
        assertThat(queue.spool().recover()).isEmpty();
    }
}
