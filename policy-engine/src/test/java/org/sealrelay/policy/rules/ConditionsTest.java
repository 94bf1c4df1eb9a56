package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.content.ContentFacts;

/**
 * One row per condition case: the {@code when} clause in YAML flow style, and whether it must
 * hold for the fixed message below, sent to {@code doctor@clinic.partner.example}.
 */
class ConditionsTest {
    private static final MessageFacts FACTS = new MessageFacts("10.20.30.40", "submission", "TLSv1.3",
            "Nurse@Hospital.Example", List.of("doctor@clinic.partner.example"), 50_000,
            new ContentFacts(
                    List.of(new ContentFacts.HeaderField("Subject", "Lab results [secure]"),
                            new ContentFacts.HeaderField("X-Priority", "1 (Highest)")),
                    "Patient SSN 536-22-8174, second SSN 212-41-7765.",
                    List.of(new ContentFacts.Attachment("Results.PDF", "application/pdf", 20_000),
                            new ContentFacts.Attachment("photo.jpg", "image/jpeg", 3_000)),
                    0, true));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {sender: nurse@hospital.example}                     | true
            {sender: [other@hospital.example]}                   | false
            {sender-domain: hospital.example}                    | true
            {recipient-domain: partner.example}                  | false
            {recipient-domain-suffix: partner.example}           | true
            {recipient-domain-suffix: .example}                  | true
            {recipient-domain-suffix: artner.example}            | false
            {recipient: DOCTOR@clinic.partner.example}           | true
            {listener: [smtp, submission]}                       | true
            {listener: smtp}                                     | false
            {client-address: 10.0.0.0/8}                         | true
            {client-address: ['192.168.0.0/16', '::1']}          | false
            {inbound-tls: true}                                  | true
            {inbound-tls: false}                                 | false
            {header: {name: x-priority, pattern: '^1\\b'}}       | true
            {header: {name: X-Mailer, pattern: '.'}}             | false
            {subject: '\\[SECURE\\]'}                            | true
            {body: 'second ssn'}                                 | true
            {body: 'third'}                                      | false
            {attachment-name: '\\.pdf$'}                         | true
            {attachment-type: image/*}                           | true
            {attachment-type: application/zip}                   | false
            {attachment-size-over: 19KiB}                        | true
            {attachment-size-over: 20000}                        | false
            {size-over: 48KiB}                                   | true
            {size-over: 50000}                                   | false
            {detector: {name: ssn, min: 2}}                      | true
            {detector: {name: ssn, min: 3}}                      | false
            {detector: npi}                                      | false
            {unreadable-parts: false}                            | true
            {text-truncated: true}                               | true
            {all: [{inbound-tls: true}, {detector: ssn}]}        | true
            {all: [{inbound-tls: true}, {detector: npi}]}        | false
            {any: [{detector: npi}, {listener: submission}]}     | true
            {not: {sender-domain: hospital.example}}             | false
            {inbound-tls: true, detector: npi}                   | false
            """)
    void conditionHoldsAsExpected(String when, boolean expected) throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("c.yaml", "rules:\n  - name: r\n    when: " + when
                + "\n    deliver: tls-verify\ndefault: {deliver: tls-encrypt}\n");

        Decision decision = policy.decide(FACTS, FACTS.recipients().get(0));

        assertThat(decision.rule()).isEqualTo(expected ? "r" : "default");
    }
}
