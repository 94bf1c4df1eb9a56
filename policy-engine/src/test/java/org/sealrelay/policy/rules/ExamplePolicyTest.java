package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Verdict;
import org.sealrelay.policy.content.ContentFacts;

/** Decisions of the shipped example {@code config/policy.yaml}, read with the real parser. */
class ExamplePolicyTest {
    private static final Path EXAMPLE = Path.of("../config/policy.yaml");
    private static RulesPolicy policy;

    @BeforeAll
    static void parseExample() throws IOException, PolicyFileException {
        policy = RulesParser.parse(EXAMPLE.toString(), Files.readString(EXAMPLE, StandardCharsets.UTF_8));
    }

    private static Decision decide(String subject, String text, String recipient) {
        ContentFacts content = new ContentFacts(List.of(new ContentFacts.HeaderField("Subject", subject)), text,
                List.of(), 0, false);
        MessageFacts facts = new MessageFacts("192.0.2.1", "smtp", "TLSv1.3", "clinic@hospital.example",
                List.of(recipient), 2048, content);
        return policy.decideAll(facts).get(0);
    }

    @Test
    void exampleHasItsRulesAndDictionaries() {
        assertThat(policy.ruleNames()).containsExactly("block-ssn-to-webmail", "secure-subject", "phi-to-outside");
        assertThat(policy.detectors().names()).containsExactly("ssn", "npi", "dea", "mbi", "payment-card", "icd10",
                "dob", "mrn", "diagnosis-terms", "medication-terms");
    }

    @Test
    void ssnToWebmailIsRejected() {
        Decision decision = decide("Billing", "SSN: 536-22-8174", "pat@gmail.com");

        assertThat(decision.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(decision.reply()).isEqualTo(
                "550 5.7.1 Message contains a Social Security number and cannot go to a personal mailbox");
        assertThat(decision.evidence()).containsExactly("recipient-domain", "detector ssn=1");
    }

    @Test
    void secureSubjectNeedsVerifiedTls() {
        Decision decision = decide("[secure] Lab follow-up", "See you Tuesday.", "pat@gmail.com");

        assertThat(decision.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decision.rule()).isEqualTo("secure-subject");
        assertThat(decision.plan().toString()).isEqualTo("[tls-verify]");
    }

    @Test
    void phiToPartnerUsesPlanWithEncryptionSteps() {
        Decision decision = decide("Eligibility", "Medicare Beneficiary Identifier: 1EG4-TE5-MK73",
                "billing@partner.example");

        assertThat(decision.rule()).isEqualTo("phi-to-outside");
        assertThat(decision.plan().toString()).isEqualTo("[tls-verify, pgp, smime, tls-encrypt]");
        assertThat(decision.evidence()).containsExactly("not recipient-domain-suffix", "detector mbi=1");
    }

    @Test
    void dictionariesNeedTwoHits() {
        Decision two = decide("Care plan", "Follow-up for diabetes and hypertension.", "doctor@partner.example");
        Decision one = decide("Newsletter", "Free diabetes screening this Saturday.", "reader@partner.example");

        assertThat(two.rule()).isEqualTo("phi-to-outside");
        assertThat(two.evidence()).containsExactly("not recipient-domain-suffix", "detector diagnosis-terms=2");
        assertThat(one.rule()).isEqualTo("default");
        assertThat(one.plan().toString()).isEqualTo("[tls-encrypt]");
    }

    @Test
    void internalRecipientGetsDefault() {
        Decision decision = decide("Referral", "DOB: 03/14/1962, MRN: 00482913", "nurse@ward.hospital.example");

        assertThat(decision.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decision.rule()).isEqualTo("default");
        assertThat(decision.plan().toString()).isEqualTo("[tls-encrypt]");
    }
}
