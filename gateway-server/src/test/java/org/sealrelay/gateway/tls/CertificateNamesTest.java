package org.sealrelay.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateNamesTest {
    @Test
    void wildcardMatchesOneLabel() {
        assertThat(CertificateNames.matches("*.protection.outlook.com", "mail.protection.outlook.com")).isTrue();
        assertThat(CertificateNames.matches("*.protection.outlook.com", "a.b.protection.outlook.com")).isFalse();
        assertThat(CertificateNames.matches("*.protection.outlook.com", "protection.outlook.com")).isFalse();
        assertThat(CertificateNames.matches("*.protection.outlook.com", "evilprotection.outlook.com")).isFalse();
    }

    @Test
    void exactNamesCompareCaseInsensitively() {
        assertThat(CertificateNames.matches("smtp-relay.gmail.com", "SMTP-Relay.Gmail.com")).isTrue();
        assertThat(CertificateNames.matches("smtp-relay.gmail.com", "smtp-relay.gmail.com.evil.test")).isFalse();
    }

    @Test
    void readsSanAndCommonName() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate("cn.example.test",
                List.of("san.example.test"), List.of("192.0.2.1"));

        assertThat(CertificateNames.namesOf(certificate.certificate())).containsExactly("san.example.test", "cn.example.test");
        assertThat(CertificateNames.firstMatch(certificate.certificate(), List.of("*.example.test"))).isEqualTo("san.example.test");
        assertThat(CertificateNames.firstMatch(certificate.certificate(), List.of("other.test"))).isNull();
    }
}
