package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

class DaneVerifierTest {
    private static TestCertificates authority;
    private static TestCertificates leaf;
    private static TestCertificates stranger;

    @BeforeAll
    static void createCertificates() throws Exception {
        authority = TestCertificates.authority("Verifier CA");
        leaf = authority.issue("mx.example.org");
        stranger = TestCertificates.selfSigned("mx.example.org", null);
    }

    @Test
    void pkixUsagesAndUnknownParametersAreUnusable() throws Exception {
        List<TLSARecord> records = List.of(tlsa(0, 0, 1, new byte[32]), tlsa(1, 1, 1, new byte[32]),
                tlsa(3, 2, 1, new byte[32]), tlsa(3, 1, 3, new byte[32]), tlsa(2, 1, 2, new byte[64]),
                tlsa(3, 0, 0, new byte[8]));

        assertThat(DaneVerifier.usable(records)).extracting(TLSARecord::getCertificateUsage).containsExactly(2, 3);
    }

    @Test
    void daneEeMatchesSha512OfCertificate() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-512").digest(leaf.certificate().getEncoded());
        DaneVerifier verifier = new DaneVerifier(List.of(tlsa(3, 0, 2, digest)), List.of("other.example"));

        assertThat(verifier.verify(chain(leaf))).isEqualTo("DANE-EE 3 0 2");
    }

    @Test
    void daneEeIgnoresTheName() throws Exception {
        DaneVerifier verifier = new DaneVerifier(
                List.of(tlsa(3, 1, 0, stranger.certificate().getPublicKey().getEncoded())), List.of("unrelated.example"));

        assertThat(verifier.verify(chain(stranger))).isEqualTo("DANE-EE 3 1 0");
    }

    @Test
    void daneTaRequiresChainToTheAnchor() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(authority.certificate().getEncoded());
        DaneVerifier verifier = new DaneVerifier(List.of(tlsa(2, 0, 1, digest)), List.of("mx.example.org"));

        assertThat(verifier.verify(chain(leaf))).isEqualTo("DANE-TA 2 0 1");
        X509Certificate[] forged = {stranger.certificate(), authority.certificate()};
        assertThatThrownBy(() -> verifier.verify(forged))
                .isInstanceOf(CertificateException.class)
                .hasMessageStartingWith("DANE: the chain does not validate up to the DANE-TA certificate: ");
    }

    @Test
    void emptyChainIsRejected() throws Exception {
        DaneVerifier verifier = new DaneVerifier(List.of(tlsa(3, 1, 1, new byte[32])), List.of("mx.example.org"));

        assertThatThrownBy(() -> verifier.verify(new X509Certificate[0]))
                .hasMessage("DANE: the server sent no certificate");
    }

    @Test
    void wildcardCoversOneLeftLabel() {
        assertThat(DaneVerifier.nameMatches("*.example.org", "mx.example.org")).isTrue();
        assertThat(DaneVerifier.nameMatches("*.example.org", "a.mx.example.org")).isFalse();
        assertThat(DaneVerifier.nameMatches("*.example.org", "example.org")).isFalse();
        assertThat(DaneVerifier.nameMatches("mx.example.org", "mx.example.org")).isTrue();
    }

    private static X509Certificate[] chain(TestCertificates certificates) throws Exception {
        if (certificates == leaf) {
            return new X509Certificate[] {leaf.certificate(), authority.certificate()};
        }
        return new X509Certificate[] {certificates.certificate()};
    }

    private static TLSARecord tlsa(int usage, int selector, int matching, byte[] data) throws Exception {
        return new TLSARecord(Name.fromString("_25._tcp.mx.example.org."), DClass.IN, 300, usage, selector, matching,
                data);
    }
}
