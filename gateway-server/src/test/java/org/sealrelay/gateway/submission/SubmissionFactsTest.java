package org.sealrelay.gateway.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.audit.AuditKey;
import org.sealrelay.gateway.audit.AuditSink;
import org.sealrelay.gateway.audit.AuditTrail;
import org.sealrelay.gateway.content.ContentExtractor;
import org.sealrelay.gateway.content.ExtractionLimits;
import org.sealrelay.gateway.delivery.DestinationCapabilities;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.policy.ClientIdentity;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Policy;
import org.sealrelay.policy.RecipientCapabilities;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.rules.RulesParser;

/** What the submission path gives the policy and what it keeps from the decisions. */
class SubmissionFactsTest {
    @RegisterExtension
    final SubmissionQueueFixture queue = new SubmissionQueueFixture(10);

    private MessageWriter written() throws IOException {
        return queue.written("Subject: x\r\n\r\nbody\r\n");
    }

    private static DraftMessage draft(List<String> recipients, ClientIdentity client, boolean requireTls) {
        return new DraftMessage("clinic@hospital.example", recipients, false, "192.0.2.1", "client.test", "smtp",
                "TLSv1.3", new TransactionOptions(false, requireTls, "", ""),
                java.util.Collections.nCopies(recipients.size(), DsnRequest.DEFAULT), client);
    }

    @Test
    void policySeesIdentityRequireTlsAndCapabilities() throws Exception {
        AtomicReference<MessageFacts> seen = new AtomicReference<>();
        Policy domains = new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of());
        Policy recording = (message, recipient) -> {
            seen.set(message);
            return domains.decide(message, recipient);
        };
        RecipientCapabilitySource capabilities = address -> address.startsWith("doctor@")
                ? new RecipientCapabilities(Optional.of(TlsLevel.VERIFY), true, false)
                : RecipientCapabilities.UNKNOWN;
        ClientIdentity client = new ClientIdentity("ehr-app", "CN=relay.clinic.example", List.of("relay.clinic.example"));
        SubmissionService service = new SubmissionService(recording, new ContentExtractor(ExtractionLimits.DEFAULTS),
                queue.queueManager(), Clock.systemUTC(), queue.executor(), capabilities, AuditTrail.disabled());

        SubmissionResult result = service.submit(draft(List.of("doctor@partner.example", "lab@other.example"), client,
                true), written()).get(10, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(SubmissionResult.Queued.class);
        assertThat(seen.get().client()).isEqualTo(client);
        assertThat(seen.get().requireTls()).isTrue();
        assertThat(seen.get().capabilitiesOf("doctor@partner.example").hasPgpKey()).isTrue();
        assertThat(seen.get().capabilitiesOf("lab@other.example")).isEqualTo(RecipientCapabilities.UNKNOWN);
    }

    @Test
    void archiveCopyIsAddedOnceWithNotifyNever() throws Exception {
        SubmissionService service = new SubmissionService(RulesParser.parse("p.yaml", """
                rules:
                  - {name: keep, deliver: tls-verify, archive: Vault@archive.example, subject-tag: '[secure]'}
                default: {deliver: tls-encrypt}
                """), new ContentExtractor(ExtractionLimits.DEFAULTS), queue.queueManager(), Clock.systemUTC(),
                queue.executor(),
                RecipientCapabilitySource.NONE, AuditTrail.disabled());

        SubmissionResult result = service.submit(draft(List.of("a@partner.example", "b@partner.example"),
                ClientIdentity.ANONYMOUS, false), written()).get(10, TimeUnit.SECONDS);

        Envelope envelope = queue.queueManager().find(((SubmissionResult.Queued) result).id());
        List<EnvelopeRecipient> recipients = envelope.recipients();
        assertThat(recipients).extracting(EnvelopeRecipient::address)
                .containsExactly("a@partner.example", "b@partner.example", "Vault@archive.example");
        assertThat(recipients.get(0).treatment().edits().subjectTag()).isEqualTo("[secure]");
        EnvelopeRecipient archive = recipients.get(2);
        assertThat(archive.treatment().archiveCopy()).isTrue();
        assertThat(archive.treatment().edits().isEmpty()).isTrue();
        assertThat(archive.dsn().conditions()).containsExactly(DsnRequest.Notify.NEVER);
        assertThat(archive.plan().toString()).isEqualTo("[tls-encrypt]");
    }

    @Test
    void auditFailureRepliesWith451AndQueuesNothing() throws Exception {
        AuditSink failing = events -> CompletableFuture.failedFuture(new IOException("No space left on device"));
        SubmissionService service = new SubmissionService(new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of()),
                new ContentExtractor(ExtractionLimits.DEFAULTS), queue.queueManager(), Clock.systemUTC(),
                queue.executor(),
                RecipientCapabilitySource.NONE, new AuditTrail(failing, AuditKey.ephemeral()));

        SubmissionResult result = service.submit(draft(List.of("a@partner.example"), ClientIdentity.ANONYMOUS, false),
                written()).get(10, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new SubmissionResult.Rejected(
                "451 4.3.0 Message not accepted: audit log write failed, try again later"));
        assertThat(queue.queueManager().size()).isZero();
        assertThat(queue.spool().recover()).isEmpty();
    }

    @Test
    void auditHashesAddressLikeIdentities() {
        AuditKey key = AuditKey.ephemeral();
        DraftMessage draft = draft(List.of("doctor@partner.example"),
                new ClientIdentity("alice@clinic.example", "CN=relay.clinic.example", List.of()), false);

        Map<String, Object> fields = DecisionRecords.decision(key, org.sealrelay.gateway.spool.QueueId.generate(),
                Instant.parse("2026-12-04T10:00:00Z"), draft, "doctor@partner.example",
                org.sealrelay.policy.Decision.accept(org.sealrelay.policy.DeliveryPlan.relay(TlsLevel.VERIFY), "default",
                        "no rule matched")).fields();

        assertThat(fields).doesNotContainKey("authUser");
        assertThat(fields).containsEntry("authUserDomain", "clinic.example");
        assertThat(fields).containsEntry("authUserHash", key.addressHash("alice@clinic.example"));
        assertThat(fields).containsEntry("clientCertificate", "CN=relay.clinic.example");
        assertThat(fields).containsEntry("rcptDomain", "partner.example");
        assertThat(fields.values()).noneMatch(value -> value.toString().contains("doctor@"));
    }

    @Test
    void provenLevelFollowsCachedSession() {
        Instant now = Instant.parse("2026-12-04T10:00:00Z");

        assertThat(CachedRecipientCapabilities.provenLevel(new DestinationCapabilities("a.example", "mx", false, "", "",
                false, "may", now))).isEqualTo(TlsLevel.NONE);
        assertThat(CachedRecipientCapabilities.provenLevel(new DestinationCapabilities("a.example", "mx", true,
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", false, "encrypt", now))).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(CachedRecipientCapabilities.provenLevel(new DestinationCapabilities("a.example", "mx", true,
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", true, "verify", now))).isEqualTo(TlsLevel.VERIFY);
        assertThat(CachedRecipientCapabilities.provenLevel(new DestinationCapabilities("a.example", "mx", true,
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", true, "dane", now))).isEqualTo(TlsLevel.DANE);
        assertThat(CachedRecipientCapabilities.provenLevel(new DestinationCapabilities("a.example", "mx", true,
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", true, "mta-sts enforce", now))).isEqualTo(TlsLevel.MTA_STS);
    }

    @Test
    void rejectedAddressHasNoKeys() {
        CachedRecipientCapabilities capabilities = new CachedRecipientCapabilities(domain -> Optional.empty(),
                address -> {
                    throw new IllegalArgumentException("not a mail address");
                });

        RecipientCapabilities facts = capabilities.lookup("odd@example");

        assertThat(facts).isEqualTo(RecipientCapabilities.UNKNOWN);
    }
}
