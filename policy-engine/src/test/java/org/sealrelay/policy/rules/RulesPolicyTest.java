package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Verdict;
import org.sealrelay.policy.content.ContentFacts;

class RulesPolicyTest {
    private static final String RULES = """
            rules:
              - name: block-ssn-to-webmail
                when:
                  recipient-domain: [gmail.com, yahoo.com]
                  detector: ssn
                reject: {code: 550, enhanced-code: 5.7.1, text: Message contains PHI for a personal mailbox}
              - name: secure-subject
                when: {subject: '\\[secure\\]'}
                deliver: [tls-verify]
              - name: large-pdf
                when: {attachment-type: application/*, attachment-size-over: 1KiB}
                deliver: [tls-verify, tls-encrypt]
                add-header: {X-SealRelay-Policy: large-pdf}
              - name: internal-clients
                when:
                  all:
                    - client-address: 10.0.0.0/8
                    - not: {inbound-tls: true}
                hold: [tls-verify]
            default:
              deliver: [tls-encrypt]
            """;

    private static MessageFacts facts(String client, String tls, String subject, String text,
            List<ContentFacts.Attachment> attachments, String... recipients) {
        ContentFacts content = new ContentFacts(List.of(new ContentFacts.HeaderField("Subject", subject)), text,
                attachments, 0, false);
        return new MessageFacts(client, "smtp", tls, "clinic@hospital.example", List.of(recipients), 2048, content);
    }

    @Test
    void rejectsSsnToWebmailButNotToPartner() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", RULES);
        MessageFacts facts = facts("192.0.2.1", "TLSv1.3", "Results", "Patient SSN 536-22-8174", List.of(),
                "pat@gmail.com", "doctor@partner.example");

        List<Decision> decisions = policy.decideAll(facts);

        assertThat(decisions.get(0).verdict()).isEqualTo(Verdict.REJECT);
        assertThat(decisions.get(0).reply()).isEqualTo("550 5.7.1 Message contains PHI for a personal mailbox");
        assertThat(decisions.get(0).rule()).isEqualTo("block-ssn-to-webmail");
        assertThat(decisions.get(0).evidence()).containsExactly("recipient-domain", "detector ssn=1");
        assertThat(decisions.get(0).explanation())
                .isEqualTo("rule block-ssn-to-webmail matched: recipient-domain, detector ssn=1")
                .doesNotContain("536");
        assertThat(decisions.get(1).verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decisions.get(1).rule()).isEqualTo("default");
        assertThat(decisions.get(1).plan().toString()).isEqualTo("[tls-encrypt]");
    }

    @Test
    void secureSubjectGetsVerifiedTls() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", RULES);

        Decision decision = policy.decide(facts("192.0.2.1", null, "[SECURE] lab", "", List.of(), "a@b.example"),
                "a@b.example");

        assertThat(decision.rule()).isEqualTo("secure-subject");
        assertThat(decision.plan().toString()).isEqualTo("[tls-verify]");
        assertThat(decision.evidence()).containsExactly("subject");
    }

    @Test
    void attachmentRuleCarriesHeaderEdit() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", RULES);
        List<ContentFacts.Attachment> attachments = List.of(new ContentFacts.Attachment("labs.pdf", "application/pdf", 4096));

        Decision decision = policy.decide(facts("192.0.2.1", null, "", "", attachments, "a@b.example"), "a@b.example");

        assertThat(decision.rule()).isEqualTo("large-pdf");
        assertThat(decision.plan().toString()).isEqualTo("[tls-verify, tls-encrypt]");
        assertThat(decision.evidence()).containsExactly("attachment-type attachments=1", "attachment-size-over attachments=1");
        assertThat(decision.edits().addHeaders()).extracting(header -> header.name() + ": " + header.value())
                .containsExactly("X-SealRelay-Policy: large-pdf");
    }

    @Test
    void holdsClearTextMailFromInternalNetwork() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", RULES);

        Decision decision = policy.decide(facts("10.1.2.3", null, "", "", List.of(), "a@b.example"), "a@b.example");

        assertThat(decision.verdict()).isEqualTo(Verdict.HOLD);
        assertThat(decision.reply()).isEqualTo("451 4.7.0 Message held for review; try again later");
        assertThat(decision.evidence()).containsExactly("client-address", "not inbound-tls");
    }

    @Test
    void sameFactsGiveSameDecision() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", RULES);
        MessageFacts facts = facts("192.0.2.1", null, "x", "SSN 536-22-8174", List.of(), "p@yahoo.com");

        assertThat(policy.decideAll(facts)).isEqualTo(policy.decideAll(facts));
    }
}
