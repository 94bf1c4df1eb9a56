package org.sealrelay.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sealrelay.policy.ClientIdentity;
import org.sealrelay.policy.Decision;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.RecipientCapabilities;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.content.ContentFacts;

/**
 * One row per client identity or recipient capability case, against a message from the
 * authenticated user {@code ehr-app} with a certificate for {@code relay.clinic.example}, sent
 * with REQUIRETLS to three recipients: one whose domain verified, one whose domain only
 * encrypted, and one about whose domain nothing is cached.
 */
class IdentityAndCapabilityConditionsTest {
    private static final String VERIFIED = "doctor@verified.example";
    private static final String ENCRYPTED = "lab@encrypted.example";
    private static final String UNKNOWN = "someone@unknown.example";

    private static final MessageFacts FACTS = new MessageFacts("10.1.2.3", "submission", "TLSv1.3",
            "app@clinic.example", List.of(VERIFIED, ENCRYPTED, UNKNOWN), 1_000, ContentFacts.NOT_READ,
            new ClientIdentity("ehr-app", "CN=relay.clinic.example,O=Clinic",
                    List.of("relay.clinic.example", "mx1.clinic.example")),
            true,
            Map.of(VERIFIED, new RecipientCapabilities(Optional.of(TlsLevel.VERIFY), true, false),
                    ENCRYPTED, new RecipientCapabilities(Optional.of(TlsLevel.ENCRYPT), false, true)));

    @ParameterizedTest(name = "{0} for {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {auth-user: ehr-app}                                   | doctor@verified.example | true
            {auth-user: [other, ehr-app]}                          | doctor@verified.example | true
            {auth-user: EHR-APP}                                   | doctor@verified.example | false
            {auth-user: ehr}                                       | doctor@verified.example | false
            {auth-user: '*'}                                       | doctor@verified.example | true
            {client-certificate: relay.clinic.example}             | doctor@verified.example | true
            {client-certificate: '*.clinic.example'}               | doctor@verified.example | true
            {client-certificate: '*.example'}                      | doctor@verified.example | false
            {client-certificate: clinic.example}                   | doctor@verified.example | false
            {client-certificate: 'subject=cn=relay.clinic.example,o=clinic'} | doctor@verified.example | true
            {client-certificate: 'subject=CN=relay.clinic.example'} | doctor@verified.example | false
            {recipient-tls: verify}                                | doctor@verified.example | true
            {recipient-tls: encrypt}                               | doctor@verified.example | true
            {recipient-tls: dane}                                  | doctor@verified.example | false
            {recipient-tls: verify}                                | lab@encrypted.example   | false
            {recipient-tls: encrypt}                               | lab@encrypted.example   | true
            {recipient-tls: may}                                   | someone@unknown.example | false
            {recipient-tls: unknown}                               | someone@unknown.example | true
            {recipient-tls: unknown}                               | lab@encrypted.example   | false
            {recipient-has-pgp-key: true}                          | doctor@verified.example | true
            {recipient-has-pgp-key: true}                          | lab@encrypted.example   | false
            {recipient-has-pgp-key: false}                         | someone@unknown.example | true
            {recipient-has-smime-certificate: true}                | lab@encrypted.example   | true
            {recipient-has-smime-certificate: true}                | doctor@verified.example | false
            {requiretls: true}                                     | doctor@verified.example | true
            {requiretls: false}                                    | doctor@verified.example | false
            """)
    void conditionHoldsAsExpected(String when, String recipient, boolean expected) throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("c.yaml", "rules:\n  - name: r\n    when: " + when
                + "\n    deliver: tls-verify\ndefault: {deliver: tls-encrypt}\n");

        Decision decision = policy.decide(FACTS, recipient);

        assertThat(decision.rule()).isEqualTo(expected ? "r" : "default");
    }

    @Test
    void anonymousClientMatchesNoIdentity() throws PolicyFileException {
        MessageFacts anonymous = new MessageFacts("10.1.2.3", "smtp", null, "a@clinic.example",
                List.of(VERIFIED), 10, ContentFacts.NOT_READ);
        RulesPolicy policy = RulesParser.parse("c.yaml", """
                rules:
                  - {name: user, when: {auth-user: '*'}, deliver: tls-verify}
                  - {name: certificate, when: {client-certificate: '*.clinic.example'}, deliver: tls-verify}
                  - {name: requiretls, when: {requiretls: true}, deliver: tls-verify}
                default: {deliver: tls-encrypt}
                """);

        assertThat(policy.decide(anonymous, VERIFIED).rule()).isEqualTo("default");
    }

    @Test
    void evidenceNamesProvenLevel() throws PolicyFileException {
        RulesPolicy policy = RulesParser.parse("c.yaml",
                "rules: [{name: r, when: {recipient-tls: encrypt}, deliver: tls-verify}]\ndefault: {deliver: tls-encrypt}\n");

        assertThat(policy.decide(FACTS, ENCRYPTED).evidence()).containsExactly("recipient-tls=encrypt");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {recipient-tls: strong}            | c.yaml:2:37: rules[0].when.recipient-tls: invalid TLS level 'strong': expected none, may, encrypt, verify, dane, mta-sts or unknown
            {client-certificate: 'a b'}        | c.yaml:2:42: rules[0].when.client-certificate: invalid certificate name 'a b': expected a DNS name such as relay.example.org, *.example.org, or subject=DN
            {auth-user: 'a b'}                 | c.yaml:2:33: rules[0].when.auth-user: invalid user name 'a b': expected 1 to 255 characters without spaces or controls, or * for any authenticated user
            {requiretls: yes}                  | c.yaml:2:34: rules[0].when.requiretls: invalid value 'yes': expected true or false
            """)
    void invalidValueIsRejected(String when, String message) {
        assertThatThrownBy(() -> RulesParser.parse("c.yaml",
                        "rules:\n  - {name: r, when: " + when + ", deliver: tls-verify}\ndefault: {deliver: tls-encrypt}\n"))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage(message);
    }
}
