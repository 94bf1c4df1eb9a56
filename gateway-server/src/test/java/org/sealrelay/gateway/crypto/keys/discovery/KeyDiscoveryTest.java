package org.sealrelay.gateway.crypto.keys.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.KeyStatus;
import org.sealrelay.gateway.crypto.keys.KeyTrust;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.crypto.keys.RecordedKey;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.xbill.DNS.DClass;
import org.xbill.DNS.SMIMEARecord;

/** Discovery end to end: loopback WKD, signed in-memory DNS, the directory's pinning and the cache. */
class KeyDiscoveryTest {
    private static final String JANE = "jane@lab.example";
    private static final String OLD = "old@lab.example";
    private static final String GONE = "gone@lab.example";
    private static final String CERT = "cert@lab.example";
    private static final String HU = "/.well-known/openpgpkey/lab.example/hu/";

    @TempDir
    static Path home;
    static GpgHome gpg;
    static byte[] janeKey;
    static byte[] janeOtherKey;
    static byte[] expiredKey;
    static byte[] revokedKey;
    static String janeFingerprint;
    static String janeOtherFingerprint;
    static TestCertificates.Issued certificate;

    @TempDir
    Path temp;
    private WkdServer server;
    private KeyDirectory directory;
    private KeyDiscovery discovery;
    private InMemoryResolver dns;

    @BeforeAll
    static void generateKeys() throws Exception {
        ExternalTool.requireTool("gpg");
        gpg = new GpgHome(home.resolve("gnupg"));
        gpg.generateKey("Jane <" + JANE + ">", "future-default", "default", "1y");
        janeKey = gpg.gpg(new byte[0], "--export", JANE).stdout();
        janeFingerprint = gpg.fingerprint(JANE);
        // A second key for the same address, as after a key change or an attack.
        GpgHome other = new GpgHome(home.resolve("gnupg-other"));
        other.generateKey("Jane <" + JANE + ">", "future-default", "default", "1y");
        janeOtherKey = other.gpg(new byte[0], "--export", JANE).stdout();
        janeOtherFingerprint = other.fingerprint(JANE);
        other.close();
        gpg.generateKey("Old <" + OLD + ">", "future-default", "default", "1y", "--faked-system-time", "20200101T000000!");
        expiredKey = gpg.gpg(new byte[0], "--export", OLD).stdout();
        gpg.generateKey("Gone <" + GONE + ">", "future-default", "default", "1y");
        String goneFingerprint = gpg.fingerprint(GONE);
        String revocation = Files.readString(gpg.path().resolve("openpgp-revocs.d").resolve(goneFingerprint + ".rev"));
        Path revocationFile = home.resolve("gone.rev");
        Files.writeString(revocationFile, revocation.replace(":-----BEGIN", "-----BEGIN"), StandardCharsets.US_ASCII);
        gpg.gpg(new byte[0], "--import", revocationFile.toString());
        revokedKey = gpg.gpg(new byte[0], "--export", GONE).stdout();
        certificate = new TestCertificates().issue(CERT, TestCertificates.rsa(), KeyUsage.keyEncipherment);
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new WkdServer();
        TestZone zone = new TestZone("lab.example.")
                .add(new SMIMEARecord(TestZone.name(DnsKeyNames.smimea(CERT)), DClass.IN, 300, 3, 0, 0,
                        certificate.certificate().getEncoded()));
        zone.sign();
        dns = new InMemoryResolver(zone);
        DnssecResolver resolver = DnssecResolver.create(dns, zone.trustAnchor());
        directory = KeyDirectory.open(temp.resolve("keys"), Clock.systemUTC());
        WkdFinder wkd = new WkdFinder(HttpsTrust.pkixContext(server.writeAuthority(temp.resolve("ca.pem"))),
                Duration.ofSeconds(5), server.endpoint());
        discovery = new KeyDiscovery(directory,
                List.of(wkd, new OpenPgpKeyRecordFinder(resolver), new SmimeaRecordFinder(resolver)),
                Duration.ofHours(1), Duration.ofMinutes(10));
    }

    @AfterEach
    void stop() {
        discovery.close();
        server.close();
    }

    @Test
    void wkdKeyIsPinnedAndCached() {
        serve(JANE, janeKey);

        RecipientKeys keys = discovery.lookup(JANE).join();
        int requests = server.requests().size();
        RecipientKeys again = discovery.lookup("JANE@lab.example").join();

        assertThat(keys.openPgpEncryptionKey()).isPresent();
        KeyEntry entry = keys.openPgp().orElseThrow().entry();
        assertThat(entry.fingerprint()).isEqualTo(janeFingerprint);
        assertThat(entry.sourceKind()).isEqualTo(KeySource.WKD);
        assertThat(entry.trust()).isEqualTo(KeyTrust.WEB_PKI);
        assertThat(again.openPgpEncryptionKey()).isPresent();
        assertThat(server.requests()).as("second lookup served from the cache").hasSize(requests);
    }

    @Test
    void smimeaCertificateIsPinned() {
        RecipientKeys keys = discovery.lookup(CERT).join();

        assertThat(keys.smimeCertificate()).contains(certificate.certificate());
        assertThat(keys.smime().orElseThrow().entry().sourceKind()).isEqualTo(KeySource.SMIMEA);
        assertThat(keys.smime().orElseThrow().entry().trust()).isEqualTo(KeyTrust.DNSSEC);
    }

    @Test
    void missingKeyIsCachedNegatively() {
        RecipientKeys keys = discovery.lookup("nobody@lab.example").join();
        int requests = server.requests().size();
        int queries = dns.queries();

        discovery.lookup("nobody@lab.example").join();

        assertThat(keys.openPgp()).isEmpty();
        assertThat(keys.smime()).isEmpty();
        assertThat(server.requests()).hasSize(requests);
        assertThat(dns.queries()).isEqualTo(queries);
    }

    @Test
    void expiredDiscoveredKeyIsNotUsed() throws Exception {
        serve(OLD, expiredKey);

        DiscoveryResult result = discovery.discover(OLD).join();

        assertThat(result.recorded()).hasSize(1);
        assertThat(result.recorded().get(0).recorded().outcome()).isEqualTo(RecordedKey.Outcome.REJECTED);
        assertThat(result.recorded().get(0).recorded().check().status()).isEqualTo(KeyStatus.EXPIRED);
        assertThat(directory.lookup(OLD).openPgp()).isEmpty();
        assertThat(directory.list()).isEmpty();
    }

    @Test
    void revokedDiscoveredKeyIsNotUsed() throws Exception {
        serve(GONE, revokedKey);

        RecipientKeys keys = discovery.lookup(GONE).join();

        assertThat(keys.openPgp()).isEmpty();
        assertThat(keys.openPgpEncryptionKey()).isEmpty();
        assertThat(directory.list()).isEmpty();
    }

    @Test
    void changedWkdKeyIsConflictNotUsed() throws Exception {
        Path file = temp.resolve("jane.gpg");
        Files.write(file, janeKey);
        directory.importFile(file, false);
        serve(JANE, janeOtherKey);

        DiscoveryResult result = discovery.discover(JANE).join();
        RecipientKeys keys = discovery.lookup(JANE).join();

        assertThat(result.recorded().get(0).recorded().outcome()).isEqualTo(RecordedKey.Outcome.CONFLICT);
        assertThat(keys.openPgp().orElseThrow().entry().fingerprint()).isEqualTo(janeFingerprint);

        directory.accept(JANE, janeOtherFingerprint);

        assertThat(directory.lookup(JANE).openPgp().orElseThrow().entry().fingerprint()).isEqualTo(janeOtherFingerprint);
    }

    @Test
    void capabilitiesAnswerWithoutWaiting() {
        serve(JANE, janeKey);

        KeyCapabilities first = discovery.capabilities(JANE);

        assertThat(first.current()).isFalse();
        assertThat(first.hasOpenPgpKey()).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> discovery.capabilities(JANE).current());
        assertThat(discovery.capabilities(JANE)).isEqualTo(new KeyCapabilities(true, false, true));
        assertThat(discovery.capabilities(CERT)).extracting(KeyCapabilities::current).isEqualTo(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> discovery.capabilities(CERT).current());
        assertThat(discovery.capabilities(CERT)).isEqualTo(new KeyCapabilities(false, true, true));
    }

    private void serve(String address, byte[] key) {
        String path = WkdFinder.advancedUri(address).getRawPath();
        assertThat(path).startsWith(HU);
        server.responses().put(path, key);
    }
}
