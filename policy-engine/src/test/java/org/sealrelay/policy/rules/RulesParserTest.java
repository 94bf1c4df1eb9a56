package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.DeliveryMethod;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.content.ContentFacts;

class RulesParserTest {
    private static final String DEFAULT = "default:\n  deliver: [tls-encrypt]\n";

    @Test
    void parsesRulesInOrder() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", """
                detectors:
                  mrn:
                    pattern: 'MRN-\\d{8}'
                  oncology:
                    keywords: [chemotherapy, tumor]
                rules:
                  - name: first
                    when: {detector: {name: oncology, min: 2}}
                    deliver: [tls-verify, tls-encrypt]
                    add-header: {X-Policy: phi}
                    subject-tag: '[PHI]'
                  - name: second
                    when:
                      any:
                        - recipient-domain-suffix: [example.org, .edu]
                        - not: {inbound-tls: true}
                    reject: {code: 550, enhanced-code: 5.7.1, text: Not allowed}
                  - name: third
                    when: {client-address: [10.0.0.0/8, '::1'], size-over: 10MiB}
                    defer: {code: 451, enhanced-code: 4.7.1, text: Later}
                  - name: fourth
                    hold: tls-verify
                """ + DEFAULT);

        assertThat(policy.ruleNames()).containsExactly("first", "second", "third", "fourth");
        assertThat(policy.detectors().names()).contains("ssn", "mrn", "oncology");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            rules: [{name: a, when: {recipient-domian: x.org}, deliver: tls-verify}] | p.yaml:1:26: rules[0].when.recipient-domian: unknown condition 'recipient-domian'; expected one of all, any, not, sender, sender-domain, sender-domain-suffix, recipient, recipient-domain, recipient-domain-suffix, listener, client-address, inbound-tls, header, subject, body, attachment-name, attachment-type, attachment-size-over, size-over, detector, unreadable-parts, text-truncated, auth-user, client-certificate, recipient-tls, recipient-has-pgp-key, recipient-has-smime-certificate, requiretls
            rules: [{name: a, deliver: [portal, tls-encrypt]}]                       | p.yaml:1:29: rules[0].deliver[0]: delivery method 'portal' is not available because SealRelay has no web portal yet; use tls-dane, tls-mta-sts, tls-verify, tls-encrypt, tls-may, tls-none, pgp or smime
            rules: [{name: a, deliver: [tls-strict]}]                                | p.yaml:1:29: rules[0].deliver[0]: invalid delivery step 'tls-strict': expected tls-dane, tls-mta-sts, tls-verify, tls-encrypt, tls-may, tls-none, pgp or smime
            rules: [{name: a, deliver: [tls-encrypt, PGP]}]                          | p.yaml:1:42: rules[0].deliver[1]: invalid delivery step 'PGP': expected tls-dane, tls-mta-sts, tls-verify, tls-encrypt, tls-may, tls-none, pgp or smime
            rules: [{name: a, reject: {code: 450, enhanced-code: 5.7.1, text: x}}]   | p.yaml:1:34: rules[0].reject.code: invalid reply code '450': expected 550 to 559
            rules: [{name: a, reject: {code: 550, enhanced-code: 4.7.1, text: x}}]   | p.yaml:1:54: rules[0].reject.enhanced-code: invalid enhanced status code '4.7.1': expected 5.X.Y as in RFC 3463, such as 5.7.1
            rules: [{name: a, reject: {code: 550, enhanced-code: 5.7.1}}]            | p.yaml:1:27: rules[0].reject: missing setting 'text'
            rules: [{name: a, when: {detector: hiv}, deliver: tls-verify}]           | p.yaml:1:36: rules[0].when.detector: unknown detector 'hiv'; expected one of ssn, npi, dea, mbi, payment-card, icd10, dob, mrn
            rules: [{name: a, when: {subject: '[secure'}, deliver: tls-verify}]      | p.yaml:1:35: rules[0].when.subject: invalid regular expression: Unclosed character class near index 6
            rules: [{name: a, when: {client-address: 10.0.0.0/33}, deliver: tls-verify}] | p.yaml:1:42: rules[0].when.client-address: invalid prefix length in '10.0.0.0/33': expected 0 to 32
            rules: [{name: a, when: {size-over: 10 parsecs}, deliver: tls-verify}]   | p.yaml:1:37: rules[0].when.size-over: invalid size '10 parsecs': expected octets, optionally with KiB, MiB or GiB, such as 10MiB
            rules: [{name: a, deliver: tls-verify, reject: {code: 550, enhanced-code: 5.7.1, text: x}}] | p.yaml:1:40: rules[0]: both 'deliver' and 'reject' are set; a rule takes exactly one of deliver, reject, defer or hold
            rules: [{name: a}]                                                       | p.yaml:1:9: rules[0]: missing action; set one of deliver, reject, defer or hold
            rules: [{name: a, deliver: tls-verify}, {name: a, deliver: tls-verify}]  | p.yaml:1:48: rules[1].name: rule name 'a' is used twice; names must be unique
            rules: [{name: a, deliver: tls-verify, then: x}]                         | p.yaml:1:40: unknown setting 'rules[0].then'; expected name, when, deliver, reject, defer, hold, add-header, remove-header, subject-tag, strip-subject-tag, archive or exempt
            detectors: {ssn: {pattern: x}}                                           | p.yaml:1:13: detectors.ssn: detector 'ssn' is built in and cannot be redefined; choose another name
            polcy: x                                                                 | p.yaml:1:1: unknown setting 'polcy'; expected detectors, rules or default
            """)
    void rejectsInvalidFileWithPosition(String line, String expected) {
        assertThatThrownBy(() -> RulesParser.parse("p.yaml", line + "\n" + DEFAULT))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage(expected);
    }

    @Test
    void acceptsEncryptionSteps() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("p.yaml", "default:\n  deliver: [tls-verify, pgp, smime]\n");

        DeliveryPlan plan = policy.decide(facts(), "jane@lab.example").plan();

        assertThat(plan.steps()).containsExactly(PlanStep.relay(TlsLevel.VERIFY),
                PlanStep.encrypt(DeliveryMethod.PGP), PlanStep.encrypt(DeliveryMethod.SMIME));
        assertThat(plan.toString()).isEqualTo("[tls-verify, pgp, smime]");
        assertThat(plan.steps().get(1).tlsLevel()).isNull();
    }

    private static MessageFacts facts() {
        ContentFacts content = new ContentFacts(List.of(), "", List.of(), 0, false);
        return new MessageFacts("192.0.2.1", "smtp", null, "a@clinic.example", List.of("jane@lab.example"), 10, content);
    }

    @Test
    void requiresDefault() {
        assertThatThrownBy(() -> RulesParser.parse("p.yaml", "rules: []\n"))
                .hasMessage("p.yaml:1:1: missing setting 'default': add the action for mail that no rule matches,"
                        + " such as default: {deliver: [tls-encrypt]}");
    }

    @Test
    void reportsYamlSyntaxErrorPosition() {
        assertThatThrownBy(() -> RulesParser.parse("p.yaml", "rules:\n  - name: [a\n" + DEFAULT))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage("p.yaml:3:8: invalid YAML: expected ',' or ']', but got :");
    }

    @Test
    void rejectsEmptyFile() {
        assertThatThrownBy(() -> RulesParser.parse("p.yaml", ""))
                .hasMessage("p.yaml:1:1: the rules file is empty; it needs at least a default action");
    }
}
