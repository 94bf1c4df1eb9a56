package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.Verdict;
import org.sealrelay.policy.content.ContentFacts;

/** Rules whose pattern backtracks catastrophically hold the message instead of hanging. */
class RegexBudgetHoldTest {
    private static final String HOSTILE_TEXT = "a".repeat(40) + "!";

    private static MessageFacts facts(String subject, String text, List<ContentFacts.Attachment> attachments) {
        ContentFacts content = new ContentFacts(List.of(new ContentFacts.HeaderField("Subject", subject)), text,
                attachments, 0, false);
        return new MessageFacts("192.0.2.1", "smtp", null, "clinic@hospital.example",
                List.of("doctor@partner.example", "pat@gmail.com"), 2048, content);
    }

    private static List<Decision> decide(String rules, MessageFacts facts) throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", rules);
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> policy.decideAll(facts));
    }

    @Test
    void bodyPatternUnderNotHoldsMessage() throws PolicyFileException {
        String rules = """
                rules:
                  - name: plain-unless-marked
                    when: {not: {body: '(a+)+\\1b'}}
                    deliver: [tls-may]
                default: {deliver: [tls-verify]}
                """;

        List<Decision> decisions = decide(rules, facts("Results", HOSTILE_TEXT, List.of()));

        for (Decision decision : decisions) {
            assertThat(decision.verdict()).isEqualTo(Verdict.HOLD);
            assertThat(decision.rule()).isEqualTo("plain-unless-marked");
            assertThat(decision.reply()).isEqualTo("451 4.7.0 Message held for review; try again later");
            assertThat(decision.plan().toString()).isEqualTo("[tls-verify]");
            assertThat(decision.evidence()).containsExactly("regex-budget-exceeded body");
            assertThat(decision.explanation()).isEqualTo(
                    "held for review: a pattern of body exceeded its budget of character reads");
        }
    }

    @Test
    void subjectHeaderAndAttachmentPatternsHoldMessage() throws PolicyFileException {
        String rules = """
                rules:
                  - name: by-subject
                    when: {subject: '(a+)+\\1b'}
                    deliver: [tls-may]
                default: {deliver: [tls-encrypt]}
                """;
        List<Decision> bySubject = decide(rules, facts(HOSTILE_TEXT, "", List.of()));

        String headerRules = rules.replace("{subject: '(a+)+\\1b'}",
                "{header: {name: Subject, pattern: '(a+)+\\1b'}}");
        List<Decision> byHeader = decide(headerRules, facts(HOSTILE_TEXT, "", List.of()));

        String attachmentRules = rules.replace("{subject: '(a+)+\\1b'}", "{attachment-name: '(a+)+\\1b'}");
        List<Decision> byAttachment = decide(attachmentRules,
                facts("Results", "", List.of(new ContentFacts.Attachment(HOSTILE_TEXT, "application/pdf", 10))));

        assertThat(bySubject.get(0).verdict()).isEqualTo(Verdict.HOLD);
        assertThat(bySubject.get(0).evidence()).containsExactly("regex-budget-exceeded subject");
        assertThat(byHeader.get(0).verdict()).isEqualTo(Verdict.HOLD);
        assertThat(byHeader.get(0).evidence()).containsExactly("regex-budget-exceeded header Subject");
        assertThat(byAttachment.get(0).verdict()).isEqualTo(Verdict.HOLD);
        assertThat(byAttachment.get(0).evidence()).containsExactly("regex-budget-exceeded attachment-name");
    }

    @Test
    void detectorPatternHoldsEveryRecipient() throws PolicyFileException {
        String rules = """
                detectors:
                  mrn: {pattern: '(a+)+\\1b'}
                rules:
                  - name: mrn-outside
                    when: {detector: mrn}
                    deliver: [tls-verify]
                default: {deliver: [tls-may]}
                """;

        List<Decision> decisions = decide(rules, facts("Results", HOSTILE_TEXT, List.of()));

        assertThat(decisions).hasSize(2);
        for (Decision decision : decisions) {
            assertThat(decision.verdict()).isEqualTo(Verdict.HOLD);
            assertThat(decision.rule()).isEqualTo(RulesPolicy.DETECTOR_SCAN_RULE);
            assertThat(decision.evidence()).containsExactly("regex-budget-exceeded detector mrn");
        }
    }

    @Test
    void detectorRunsOnlyWhenRuleRequestsIt() throws PolicyFileException {
        // The catastrophic mrn pattern holds only the recipient whose rules reach it: the
        // partner recipient is decided by the first rule, which requests no detector.
        String rules = """
                detectors:
                  mrn: {pattern: '(a+)+\\1b'}
                rules:
                  - name: partner
                    when: {recipient-domain: [partner.example]}
                    deliver: [tls-encrypt]
                  - name: mrn-outside
                    when: {detector: mrn}
                    deliver: [tls-verify]
                default: {deliver: [tls-may]}
                """;

        List<Decision> decisions = decide(rules, facts("Results", HOSTILE_TEXT, List.of()));

        assertThat(decisions.get(0).verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decisions.get(0).rule()).isEqualTo("partner");
        assertThat(decisions.get(1).verdict()).isEqualTo(Verdict.HOLD);
        assertThat(decisions.get(1).rule()).isEqualTo(RulesPolicy.DETECTOR_SCAN_RULE);
    }

    @Test
    void earlierDetectorHitSparesLaterDetectors() throws PolicyFileException {
        String rules = """
                detectors:
                  mrn: {pattern: '(a+)+\\1b'}
                rules:
                  - name: phi
                    when: {any: [{detector: ssn}, {detector: mrn}]}
                    deliver: [tls-verify]
                default: {deliver: [tls-may]}
                """;

        List<Decision> decisions = decide(rules, facts("Results", "SSN 123-45-6789 " + HOSTILE_TEXT, List.of()));

        for (Decision decision : decisions) {
            assertThat(decision.verdict()).isEqualTo(Verdict.ACCEPT);
            assertThat(decision.rule()).isEqualTo("phi");
            assertThat(decision.evidence()).containsExactly("detector ssn=1");
        }
    }

    @Test
    void sameRulesOnOrdinaryTextDecideNormally() throws PolicyFileException {
        String rules = """
                rules:
                  - name: plain-unless-marked
                    when: {not: {body: '(a+)+\\1b'}}
                    deliver: [tls-may]
                default: {deliver: [tls-verify]}
                """;

        List<Decision> decisions = decide(rules, facts("Results", "Lab results attached.", List.of()));

        assertThat(decisions.get(0).verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decisions.get(0).rule()).isEqualTo("plain-unless-marked");
    }
}
