package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sealrelay.policy.ArchiveCopy;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.Verdict;
import org.sealrelay.policy.content.ContentFacts;

/** Parsing and evaluation of the edit, archive and exempt actions. */
class ActionsTest {
    private static final MessageFacts FACTS = new MessageFacts("10.1.2.3", "smtp", "TLSv1.3", "nurse@clinic.example",
            List.of("doctor@clinic.example", "lab@partner.example"), 2_000,
            new ContentFacts(List.of(new ContentFacts.HeaderField("Subject", "Results")),
                    "Patient SSN 536-22-8174", List.of(), 0, false));

    @Test
    void editsAreParsedInOrder() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("a.yaml", """
                rules:
                  - name: tag
                    deliver: tls-verify
                    add-header: {X-SealRelay-Policy: tagged, X-Second: two words}
                    remove-header: [X-Internal-Route, Disposition-Notification-To]
                    strip-subject-tag: '[external]'
                    subject-tag: '[secure]'
                default: {deliver: tls-encrypt}
                """);

        MessageEdits edits = policy.decide(FACTS, "lab@partner.example").edits();

        assertThat(edits.addHeaders()).containsExactly(new MessageEdits.HeaderField("X-SealRelay-Policy", "tagged"),
                new MessageEdits.HeaderField("X-Second", "two words"));
        assertThat(edits.removeHeaders()).containsExactly("X-Internal-Route", "Disposition-Notification-To");
        assertThat(edits.stripSubjectTag()).isEqualTo("[external]");
        assertThat(edits.subjectTag()).isEqualTo("[secure]");
    }

    @Test
    void archiveWithoutPlanTakesDefaultPlan() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("a.yaml", """
                rules:
                  - {name: keep, when: {detector: ssn}, deliver: tls-verify, archive: archive@clinic.example}
                default: {deliver: tls-encrypt}
                """);

        Decision decision = policy.decide(FACTS, "lab@partner.example");

        assertThat(decision.plan()).isEqualTo(DeliveryPlan.relay(TlsLevel.VERIFY));
        assertThat(decision.archive()).contains(new ArchiveCopy("archive@clinic.example",
                DeliveryPlan.relay(TlsLevel.ENCRYPT)));
    }

    @Test
    void archiveWithOwnPlan() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("a.yaml", """
                rules:
                  - name: keep
                    deliver: tls-encrypt
                    archive: {address: vault@archive.example, deliver: [tls-verify, tls-encrypt]}
                default: {reject: {code: 550, enhanced-code: 5.7.1, text: No}}
                """);

        Optional<ArchiveCopy> archive = policy.decide(FACTS, "lab@partner.example").archive();

        assertThat(archive).map(ArchiveCopy::address).contains("vault@archive.example");
        assertThat(archive).map(ArchiveCopy::plan).contains(new DeliveryPlan(List.of(
                org.sealrelay.policy.PlanStep.relay(TlsLevel.VERIFY), org.sealrelay.policy.PlanStep.relay(TlsLevel.ENCRYPT))));
    }

    @Test
    void exemptRuleRunsBeforeContentRules() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("a.yaml", """
                rules:
                  - {name: ssn, when: {detector: ssn}, reject: {code: 550, enhanced-code: 5.7.1, text: SSN}}
                  - {name: internal, when: {recipient-domain: clinic.example}, exempt: true}
                default: {deliver: tls-encrypt}
                """);

        Decision internal = policy.decide(FACTS, "doctor@clinic.example");
        Decision external = policy.decide(FACTS, "lab@partner.example");

        assertThat(internal.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(internal.rule()).isEqualTo("internal");
        assertThat(internal.exempt()).isTrue();
        assertThat(internal.plan()).isEqualTo(DeliveryPlan.relay(TlsLevel.ENCRYPT));
        assertThat(internal.explanation()).isEqualTo("rule internal matched, content rules skipped: recipient-domain");
        assertThat(external.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(external.exempt()).isFalse();
        assertThat(policy.ruleNames()).containsExactly("internal", "ssn");
    }

    @Test
    void exemptRuleWithOwnPlan() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("a.yaml", """
                rules:
                  - {name: internal, when: {recipient-domain: clinic.example}, exempt: true, deliver: tls-verify}
                default: {hold: tls-encrypt}
                """);

        Decision decision = policy.decide(FACTS, "doctor@clinic.example");

        assertThat(decision.plan()).isEqualTo(DeliveryPlan.relay(TlsLevel.VERIFY));
        assertThat(decision.exempt()).isTrue();
    }

    @Test
    void exemptFalseIsOrdinaryRule() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("a.yaml", """
                rules:
                  - {name: ssn, when: {detector: ssn}, reject: {code: 550, enhanced-code: 5.7.1, text: SSN}}
                  - {name: internal, when: {recipient-domain: clinic.example}, exempt: false, deliver: tls-may}
                default: {deliver: tls-encrypt}
                """);

        Decision decision = policy.decide(FACTS, "doctor@clinic.example");

        assertThat(decision.rule()).isEqualTo("ssn");
        assertThat(decision.exempt()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {name: r, deliver: tls-verify, add-header: {'X-A:B': x}}                   | a.yaml:2:58: rules[0].add-header.X-A:B: invalid header field name: expected printable ASCII without ':' or spaces (RFC 5322 section 3.6.8)
            {name: r, deliver: tls-verify, remove-header: ['Bad Name']}                | a.yaml:2:51: rules[0].remove-header: invalid header field name 'Bad Name': expected printable ASCII without ':' or spaces (RFC 5322 section 3.6.8)
            {name: r, deliver: tls-verify, archive: 'a@b>, <c@d'}                      | a.yaml:2:45: rules[0].archive: invalid archive address 'a@b>, <c@d': expected local-part@domain in printable ASCII, at most 254 characters
            {name: r, deliver: tls-verify, archive: {address: a@b.example, to: x}}     | a.yaml:2:68: unknown setting 'rules[0].archive.to'; expected address or deliver
            {name: r, reject: {code: 550, enhanced-code: 5.7.1, text: No}, archive: a@b.example} | a.yaml:2:68: rules[0].archive: a rule that does 'reject' accepts no message, so there is nothing to archive; remove archive
            {name: r, when: {recipient: a@b.example}, exempt: true, hold: tls-verify}  | a.yaml:2:61: rules[0].hold: an exempt rule can only deliver; remove 'hold' or exempt
            {name: r, exempt: true}                                                    | a.yaml:2:5: rules[0]: an exempt rule needs a when condition, such as recipient-domain-suffix: [clinic.example]
            {name: r, when: {any: [{recipient-domain: a.example}, {detector: ssn}]}, exempt: true} | a.yaml:2:21: rules[0].when: an exempt rule cannot test the content ('detector'); use envelope and client conditions only
            """)
    void invalidActionIsRejected(String rule, String message) {
        assertThatThrownBy(() -> RulesParser.parse("a.yaml", "rules:\n  - " + rule + "\ndefault: {deliver: tls-encrypt}\n"))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage(message);
    }

    /** YAML double-quoted escapes put real CR and LF into the values; each must be rejected. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            add-header: {X-A: "x\\r\\nBcc: victim@example.org"} | rules[0].add-header.X-A: expected at most 900 printable ASCII characters
            add-header: {X-A: "x\\nBcc: victim@example.org"}     | rules[0].add-header.X-A: expected at most 900 printable ASCII characters
            add-header: {X-A: "x\\rBcc: victim@example.org"}     | rules[0].add-header.X-A: expected at most 900 printable ASCII characters
            subject-tag: "[a]\\r\\nBcc: victim@example.org"     | rules[0].subject-tag: expected 1 to 40 printable ASCII characters
            strip-subject-tag: "[a]\\nBcc: victim@example.org"     | rules[0].strip-subject-tag: expected 1 to 40 printable ASCII characters
            """)
    void headerInjectionIsRejected(String action, String message) {
        assertThatThrownBy(() -> RulesParser.parse("a.yaml", "rules:\n  - name: r\n    deliver: tls-verify\n    "
                + action + "\ndefault: {deliver: tls-encrypt}\n"))
                .isInstanceOf(PolicyFileException.class)
                .hasMessageEndingWith(message);
    }

    @Test
    void removeHeaderNameWithLineBreakIsRejected() {
        assertThatThrownBy(() -> RulesParser.parse("a.yaml", """
                rules:
                  - {name: r, deliver: tls-verify, remove-header: ["X-A\\r\\nBcc"]}
                default: {deliver: tls-encrypt}
                """))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage("a.yaml:2:51: rules[0].remove-header: invalid header field name 'X-A\\x0d\\x0aBcc':"
                        + " expected printable ASCII without ':' or spaces (RFC 5322 section 3.6.8)");
    }

    @Test
    void exemptNeedsPlanWhenDefaultRejects() {
        assertThatThrownBy(() -> RulesParser.parse("a.yaml", """
                rules:
                  - {name: internal, when: {recipient-domain: clinic.example}, exempt: true}
                default: {reject: {code: 550, enhanced-code: 5.7.1, text: No}}
                """))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage("a.yaml:2:72: rules[0].exempt: an exempt rule needs a plan: add deliver to the rule,"
                        + " or give the default a deliver or hold action");
    }

    @Test
    void defaultCannotBeExempt() {
        assertThatThrownBy(() -> RulesParser.parse("a.yaml", "default: {deliver: tls-encrypt, exempt: true}\n"))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage("a.yaml:1:33: default.exempt: the default cannot be exempt; put exempt: true in a rule");
    }

    @Test
    void editsRejectLineBreaksFromAnyCaller() {
        assertThatThrownBy(() -> new MessageEdits.HeaderField("X-A", "x\r\nBcc: victim@example.org"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid value for header field X-A: expected at most 900 printable ASCII characters");
        assertThatThrownBy(() -> new MessageEdits(List.of(), "", List.of("X-A\r\nB"), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
