package org.sealrelay.gateway.crypto.keys.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.LogCapture;
import org.xbill.DNS.DClass;
import org.xbill.DNS.OPENPGPKEYRecord;
import org.xbill.DNS.SMIMEARecord;

/** OPENPGPKEY and SMIMEA lookups over zones signed in memory, validated by dnsjava. */
class DnsKeyFinderTest {
    private static final String JANE = "jane@lab.example";
    private static final String PLAIN = "jane@plain.test";

    @TempDir
    static Path home;
    static GpgHome gpg;
    static byte[] janeKey;
    static byte[] plainKey;
    static String janeFingerprint;
    static TestCertificates.Issued janeCertificate;
    static TestCertificates.Issued otherCertificate;
    static DnssecResolver resolver;

    @BeforeAll
    static void publishKeys() throws Exception {
        ExternalTool.requireTool("gpg");
        gpg = new GpgHome(home.resolve("gnupg"));
        gpg.generateKey("Jane <" + JANE + ">", "future-default", "default", "1y");
        gpg.generateKey("Jane <" + PLAIN + ">", "future-default", "default", "1y");
        janeKey = gpg.gpg(new byte[0], "--export", JANE).stdout();
        plainKey = gpg.gpg(new byte[0], "--export", PLAIN).stdout();
        janeFingerprint = gpg.fingerprint(JANE);
        TestCertificates pki = new TestCertificates();
        janeCertificate = pki.issue(JANE, TestCertificates.rsa(), KeyUsage.keyEncipherment);
        otherCertificate = pki.issue("john@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment);

        TestZone signed = new TestZone("lab.example.")
                .add(new OPENPGPKEYRecord(TestZone.name(DnsKeyNames.openPgpKey(JANE)), DClass.IN, 300, janeKey))
                .add(smimea(JANE, 3, 0, 0, janeCertificate.certificate().getEncoded()))
                .add(smimea(JANE, 3, 0, 1, new byte[32]))
                .add(smimea("wrongname@lab.example", 3, 0, 0, otherCertificate.certificate().getEncoded()))
                .add(new OPENPGPKEYRecord(TestZone.name(DnsKeyNames.openPgpKey("forged@lab.example")), DClass.IN, 300, janeKey));
        signed.sign();
        signed.tamper(new OPENPGPKEYRecord(TestZone.name(DnsKeyNames.openPgpKey("forged@lab.example")), DClass.IN, 300, plainKey));
        TestZone unsigned = new TestZone("plain.test.")
                .add(new OPENPGPKEYRecord(TestZone.name(DnsKeyNames.openPgpKey(PLAIN)), DClass.IN, 300, plainKey));
        resolver = DnssecResolver.create(new InMemoryResolver(signed, unsigned), signed.trustAnchor());
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.close();
        }
    }

    @Test
    void ownerNameFollowsRfc7929() {
        // Expected label computed separately with Python's hashlib: SHA-256 of "hugh", first 28 octets.
        assertThat(DnsKeyNames.openPgpKey("hugh@example.com"))
                .isEqualTo("c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey.example.com");
        assertThat(DnsKeyNames.smimea("hugh@example.com"))
                .isEqualTo("c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._smimecert.example.com");
    }

    @Test
    void signedOpenPgpKeyIsFound() {
        List<DiscoveredKey> keys = new OpenPgpKeyRecordFinder(resolver).find(JANE).join();

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).key().fingerprint()).isEqualTo(janeFingerprint);
        assertThat(keys.get(0).source()).isEqualTo(KeySource.OPENPGPKEY);
        assertThat(keys.get(0).location()).isEqualTo(DnsKeyNames.openPgpKey(JANE));
    }

    @Test
    void signedSmimeaCertificateIsFound() throws Exception {
        List<DiscoveredKey> keys;
        try (LogCapture logs = new LogCapture()) {
            keys = new SmimeaRecordFinder(resolver).find(JANE).join();

            assertThat(logs.lines()).contains("SMIMEA 3 0 1 for ***@lab.example skipped: only usage 3, selector 0, "
                    + "matching type 0 carries a certificate to encrypt to");
        }

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).key().fingerprint()).isEqualTo(sha256(janeCertificate.certificate().getEncoded()));
        assertThat(keys.get(0).source()).isEqualTo(KeySource.SMIMEA);
    }

    @Test
    void certificateForOtherAddressIsIgnored() {
        assertThat(new SmimeaRecordFinder(resolver).find("wrongname@lab.example").join()).isEmpty();
    }

    @Test
    void unsignedAnswerIsIgnoredAndLogged() {
        try (LogCapture logs = new LogCapture()) {
            List<DiscoveredKey> keys = new OpenPgpKeyRecordFinder(resolver).find(PLAIN).join();

            assertThat(keys).isEmpty();
            assertThat(logs.lines()).contains("OPENPGPKEY for ***@plain.test ignored: the answer is not DNSSEC-signed (1 record(s))");
        }
    }

    @Test
    void bogusAnswerIsIgnoredAndLogged() {
        try (LogCapture logs = new LogCapture()) {
            List<DiscoveredKey> keys = new OpenPgpKeyRecordFinder(resolver).find("forged@lab.example").join();

            assertThat(keys).isEmpty();
            assertThat(logs.lines()).contains("OPENPGPKEY for ***@lab.example ignored: DNSSEC validation failed: "
                    + "Positive response has failed ANSWER rrset");
        }
    }

    @Test
    void provenAbsentRecordIsEmpty() {
        assertThat(new OpenPgpKeyRecordFinder(resolver).find("nobody@lab.example").join()).isEmpty();
        assertThat(new SmimeaRecordFinder(resolver).find("nobody@lab.example").join()).isEmpty();
    }

    static String sha256(byte[] octets) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(octets));
    }

    @Test
    void validatorReasonIsRedacted() {
        String reason = "Failed to validate RRset <ab12._openpgpkey.lab.example./IN/OPENPGPKEY>: { key data }";

        assertThat(SecureRecords.redact(reason, "ab12")).isEqualTo("Failed to validate RRset");
        assertThat(SecureRecords.redact("no signature for ab12._openpgpkey.lab.example", "ab12"))
                .isEqualTo("no signature for ***._openpgpkey.lab.example");
    }

    private static SMIMEARecord smimea(String address, int usage, int selector, int matching, byte[] data) {
        return new SMIMEARecord(TestZone.name(DnsKeyNames.smimea(address)), DClass.IN, 300, usage, selector, matching, data);
    }
}
