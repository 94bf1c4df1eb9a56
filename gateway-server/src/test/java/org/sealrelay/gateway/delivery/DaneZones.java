package org.sealrelay.gateway.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sealrelay.gateway.dns.TestZone;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;

/**
 * The certificates and zones that DANE tests share. Under {@code test.}, every domain has an MX
 * host {@code mx.<domain>} on 127.0.0.1:
 * <ul>
 *   <li>{@code dane.test}: a DANE-EE (3 1 1) record for {@link #serverCertificate}
 *   <li>{@code ta.test}: a DANE-TA (2 0 1) record for {@link #authority}, which issued
 *       {@link #issued} for {@code mx.ta.test}
 *   <li>{@code bogus.test}: an MX record replaced after signing, so its signature fails
 *   <li>{@code badtlsa.test}: a TLSA record replaced after signing, so its signature fails
 * </ul>
 * Under the unsigned {@code example.}, {@code plain.example} has an MX host on 127.0.0.1.
 */
final class DaneZones {
    final TestCertificates serverCertificate;
    final TestCertificates otherCertificate;
    final TestCertificates authority;
    final TestCertificates issued;

    private DaneZones() throws Exception {
        serverCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        otherCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        authority = TestCertificates.authority("Test DANE CA");
        issued = authority.issue("mx.ta.test");
    }

    /** Creates the certificates. Call it once per test class, because key generation is slow. */
    static DaneZones create() throws Exception {
        return new DaneZones();
    }

    /**
     * Returns the unsigned {@code test.} zone with the records listed on the class, and MX and A
     * records for each of {@code moreDomains} (such as {@code "big.test"}). Add more records,
     * then call {@link #signAndTamper}.
     */
    TestZone testZone(String... moreDomains) throws Exception {
        TestZone zone = new TestZone("test.");
        for (String domain : new String[] {"dane.test", "ta.test", "bogus.test", "badtlsa.test"}) {
            zone.addLoopbackMx(domain);
        }
        for (String domain : moreDomains) {
            zone.addLoopbackMx(domain);
        }
        zone.add(TestZone.tlsa("mx.dane.test", 3, 1, 1, serverCertificate.publicKeySha256()));
        zone.add(TestZone.tlsa("mx.ta.test", 2, 0, 1, authority.certificateSha256()));
        zone.add(TestZone.tlsa("mx.badtlsa.test", 3, 1, 1, serverCertificate.publicKeySha256()));
        return zone;
    }

    /**
     * Signs {@code zone}, breaks the signatures of {@code bogus.test}'s MX and
     * {@code mx.badtlsa.test}'s TLSA records, and writes the trust anchor to {@code anchorFile}.
     */
    void signAndTamper(TestZone zone, Path anchorFile) throws Exception {
        zone.sign();
        zone.tamper(new MXRecord(TestZone.name("bogus.test."), DClass.IN, 300, 10, TestZone.name("mx.dane.test.")));
        zone.tamper(TestZone.tlsa("mx.badtlsa.test", 3, 1, 1, otherCertificate.publicKeySha256()));
        Files.write(anchorFile, zone.trustAnchor().readAllBytes());
    }

    /** Returns the unsigned {@code example.} zone with {@code plain.example}. */
    static TestZone insecureZone() {
        return new TestZone("example.").addLoopbackMx("plain.example");
    }
}
