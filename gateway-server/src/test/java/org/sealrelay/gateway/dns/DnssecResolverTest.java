package org.sealrelay.gateway.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.dns.DnssecResolver.Security;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;

/** DNSSEC states from dnsjava's validator over zones signed in memory. */
class DnssecResolverTest {
    private TestZone signed;
    private TestZone unsigned;
    private DnssecResolver resolver;

    @BeforeEach
    void signZones() throws Exception {
        signed = new TestZone("test.")
                .add(new MXRecord(TestZone.name("clinic.test."), DClass.IN, 300, 10, TestZone.name("mx.clinic.test.")))
                .add(new MXRecord(TestZone.name("forged.test."), DClass.IN, 300, 10, TestZone.name("mx.clinic.test.")))
                .add(new ARecord(TestZone.name("mx.clinic.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()))
                .add(new TLSARecord(TestZone.name("_25._tcp.mx.clinic.test."), DClass.IN, 300, 3, 1, 1, new byte[32]));
        signed.sign();
        signed.tamper(new MXRecord(TestZone.name("forged.test."), DClass.IN, 300, 10, TestZone.name("evil.example.")));
        unsigned = new TestZone("example.")
                .add(new MXRecord(TestZone.name("plain.example."), DClass.IN, 300, 10, TestZone.name("mx.plain.example.")));
        resolver = DnssecResolver.create(new InMemoryResolver(signed, unsigned), signed.trustAnchor());
    }

    @Test
    void signedMxIsSecure() {
        DnssecResolver.SecureMx mx = resolver.resolveMx("clinic.test").join();

        assertThat(mx.security()).isEqualTo(Security.SECURE);
        assertThat(mx.mx().hosts()).containsExactly("mx.clinic.test");
    }

    @Test
    void tamperedMxIsBogus() {
        DnssecResolver.SecureMx mx = resolver.resolveMx("forged.test").join();

        assertThat(mx.security()).isEqualTo(Security.BOGUS);
        assertThat(mx.mx().status()).isEqualTo(MxAnswer.Status.TEMPORARY_FAILURE);
    }

    @Test
    void mxOutsideTrustAnchorIsInsecure() {
        DnssecResolver.SecureMx mx = resolver.resolveMx("plain.example").join();

        assertThat(mx.security()).isEqualTo(Security.INSECURE);
        assertThat(mx.mx().hosts()).containsExactly("mx.plain.example");
    }

    @Test
    void addressesWithProvenMissingAaaaAreSecure() {
        DnssecResolver.SecureAddresses addresses = resolver.resolveAddresses("mx.clinic.test").join();

        assertThat(addresses.security()).isEqualTo(Security.SECURE);
        assertThat(addresses.addresses()).containsExactly(InetAddress.getLoopbackAddress());
    }

    @Test
    void tlsaRecordsAreSecure() {
        DnssecResolver.TlsaAnswer tlsa = resolver.lookupTlsa("mx.clinic.test", 25).join();

        assertThat(tlsa.security()).isEqualTo(Security.SECURE);
        assertThat(tlsa.records()).hasSize(1);
    }

    @Test
    void provenMissingTlsaIsSecureAndEmpty() {
        DnssecResolver.TlsaAnswer tlsa = resolver.lookupTlsa("mx.clinic.test", 2525).join();

        assertThat(tlsa.security()).isEqualTo(Security.SECURE);
        assertThat(tlsa.records()).isEmpty();
    }

    @Test
    void noTrustAnchorMakesSignedZoneInsecure() {
        DnssecResolver withoutAnchor = DnssecResolver.create(new InMemoryResolver(signed), (java.nio.file.Path) null);

        assertThat(withoutAnchor.resolveMx("clinic.test").join().security()).isEqualTo(Security.INSECURE);
        assertThat(withoutAnchor.lookupTlsa("mx.clinic.test", 25).join().security()).isEqualTo(Security.INSECURE);
    }
}
