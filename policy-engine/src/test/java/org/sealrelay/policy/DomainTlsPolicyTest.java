package org.sealrelay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DomainTlsPolicyTest {
    private static final MessageFacts FACTS =
            new MessageFacts("192.0.2.10", "smtp", "TLSv1.3", "sender@clinic.example", List.of(), 1200);

    private final DomainTlsPolicy policy = new DomainTlsPolicy(TlsLevel.ENCRYPT,
            Map.of("Lab.Example.", TlsLevel.VERIFY, "east.lab.example", TlsLevel.MAY));

    @Test
    void unlistedDomainGetsDefault() {
        Decision decision = policy.decide(FACTS, "a@other.example");

        assertThat(decision.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decision.plan()).isEqualTo(DeliveryPlan.relay(TlsLevel.ENCRYPT));
        assertThat(decision.rule()).isEqualTo("domain-tls");
        assertThat(decision.explanation()).isEqualTo("no domain entry, default tls-encrypt");
    }

    @Test
    void entryMatchesCaseInsensitively() {
        Decision decision = policy.decide(FACTS, "a@LAB.example");

        assertThat(decision.plan().first().tlsLevel()).isEqualTo(TlsLevel.VERIFY);
        assertThat(decision.explanation()).isEqualTo("domain entry lab.example requires tls-verify");
    }

    @Test
    void entryCoversSubdomainsUnlessLongerMatches() {
        assertThat(policy.levelFor("mx.west.lab.example")).isEqualTo(TlsLevel.VERIFY);
        assertThat(policy.levelFor("mx.east.lab.example")).isEqualTo(TlsLevel.MAY);
        assertThat(policy.levelFor("notlab.example")).isEqualTo(TlsLevel.ENCRYPT);
    }

    @Test
    void sameFactsGiveSameDecision() {
        assertThat(policy.decide(FACTS, "x@lab.example")).isEqualTo(policy.decide(FACTS, "x@lab.example"));
    }

    @Test
    void tlsLevelNamesParse() {
        assertThat(TlsLevel.fromConfigName(" Verify ")).isEqualTo(TlsLevel.VERIFY);
        assertThat(TlsLevel.ENCRYPT.requiresTls()).isTrue();
        assertThat(TlsLevel.MAY.requiresTls()).isFalse();
        assertThat(TlsLevel.VERIFY.verifiesPeer()).isTrue();
        assertThat(TlsLevel.fromConfigName("dane")).isEqualTo(TlsLevel.DANE);
        assertThat(TlsLevel.fromConfigName("MTA-STS")).isEqualTo(TlsLevel.MTA_STS);
        assertThatThrownBy(() -> TlsLevel.fromConfigName("secure"))
                .hasMessage("invalid TLS level 'secure': expected one of none, may, encrypt, verify, dane, mta-sts");
    }

    @Test
    void acceptWithoutPlanIsInvalid() {
        assertThatThrownBy(() -> new Decision(Verdict.ACCEPT, null, null, "r", "e"))
                .hasMessage("an accepting decision needs a delivery plan (rule r)");
        assertThatThrownBy(() -> Decision.reject(null, "r", "e"))
                .hasMessage("a REJECT decision needs an SMTP reply (rule r)");
    }
}
