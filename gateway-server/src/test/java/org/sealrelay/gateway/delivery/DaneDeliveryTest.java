package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.policy.TlsLevel;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;

/**
 * The {@code dane} level against loopback next hops, with MX, A and TLSA records served from a
 * zone signed in memory and validated by dnsjava's {@code ValidatingResolver}.
 */
class DaneDeliveryTest {
    private static TestCertificates serverCertificate;
    private static TestCertificates otherCertificate;
    private static TestCertificates authority;
    private static TestCertificates issued;

    @TempDir
    Path temp;

    private SmtpDeliveryAgent agent;

    @BeforeAll
    static void createCertificates() throws Exception {
        serverCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        otherCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        authority = TestCertificates.authority("Test DANE CA");
        issued = authority.issue("mx.ta.test");
    }

    @AfterEach
    void closeAgent() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void matchingDaneEeDelivers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("dane.test");

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(outcome.nextHop()).isEqualTo("mx.dane.test[127.0.0.1]:" + server.port());
            assertThat(server.messages()).hasSize(1);
            DestinationCapabilities seen = agent.capabilities().lookup("DANE.test").orElseThrow();
            assertThat(seen.policy()).isEqualTo("dane");
            assertThat(seen.startTlsOffered()).isTrue();
            assertThat(seen.peerVerified()).isTrue();
            assertThat(seen.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(agent.tlsReports().successes("dane.test", TlsReportCounters.PolicyType.TLSA)).isEqualTo(1);
        }
    }

    @Test
    void mismatchingDaneEeDefersWithoutMail() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherCertificate.serverContext(), Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("dane.test");

            RecipientOutcome result = outcome.byRecipient().get("a@dane.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with mx.dane.test[127.0.0.1]:" + server.port()
                    + " failed at level dane: ");
            assertThat(result.reply()).contains("no TLSA record matches the certificate chain");
            assertThat(agent.tlsReports().failures("dane.test", TlsReportCounters.PolicyType.TLSA))
                    .isEqualTo(Map.of("validation-failure", 1L));
            assertThat(server.mailFromCommands()).isEmpty();
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void matchingDaneTaWithNameDelivers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(issued.serverContext(), Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("ta.test");

            assertThat(outcome.byRecipient().get("a@ta.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
        }
    }

    @Test
    void daneTaWithWrongNameDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(issued.serverContext(), Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("tawrongname.test");

            RecipientOutcome result = outcome.byRecipient().get("a@tawrongname.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).contains("the certificate names [mx.ta.test] match none of"
                    + " [mx.tawrongname.test, tawrongname.test]");
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void bogusMxSignatureDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("bogus.test");

            RecipientOutcome result = outcome.byRecipient().get("a@bogus.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 DNSSEC validation of the MX records of bogus.test failed: ");
            assertThat(agent.tlsReports().failures("bogus.test", TlsReportCounters.PolicyType.TLSA))
                    .isEqualTo(Map.of("dnssec-invalid", 1L));
            assertThat(outcome.nextHop()).isEmpty();
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void bogusTlsaDefersWithoutConnecting() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("badtlsa.test");

            RecipientOutcome result = outcome.byRecipient().get("a@badtlsa.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith(
                    "4.7.5 DNSSEC validation of the TLSA records at _25._tcp.mx.badtlsa.test failed: ");
            assertThat(outcome.nextHop()).isEmpty();
        }
    }

    @Test
    void insecureZoneFallsBackToEncrypt() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherCertificate.serverContext(), Map.of());
                LogCapture logs = new LogCapture()) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("plain.example");

            assertThat(outcome.byRecipient().get("a@plain.example").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.tlsProtocol()).isNotNull();
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(logs.lines()).anyMatch(line -> line.contains(
                    "MX records of plain.example are not DNSSEC-secure, so DANE does not apply"));
        }
    }

    @Test
    void insecureZoneWithoutStartTlsDefersAtFallback() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agent = agent(signedZone(), server.port(), Set.of());

            DeliveryOutcome outcome = deliver("plain.example");

            RecipientOutcome result = outcome.byRecipient().get("a@plain.example");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo("4.7.5 STARTTLS not offered by mx.plain.example[127.0.0.1]:"
                    + server.port());
            DestinationCapabilities seen = agent.capabilities().lookup("plain.example").orElseThrow();
            assertThat(seen.startTlsOffered()).isFalse();
            assertThat(seen.policy()).isEqualTo("encrypt");
            assertThat(seen.tlsProtocol()).isEmpty();
        }
    }

    @Test
    void exemptDomainLogsAndUsesFallback() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherCertificate.serverContext(), Map.of());
                LogCapture logs = new LogCapture()) {
            agent = agent(signedZone(), server.port(), Set.of("dane.test"));

            DeliveryOutcome outcome = deliver("dane.test");

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(logs.lines()).anyMatch(line -> line.contains(
                    "domain=dane.test is exempt from DANE by delivery.dane-exempt; ignoring its TLSA records"
                            + " and using level encrypt"));
        }
    }

    private TestZone signedZone() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TestZone zone = new TestZone("test.");
        for (String domain : List.of("dane", "ta", "tawrongname", "bogus", "badtlsa")) {
            zone.add(new MXRecord(TestZone.name(domain + ".test."), DClass.IN, 300, 10,
                    TestZone.name("mx." + domain + ".test.")));
            zone.add(new ARecord(TestZone.name("mx." + domain + ".test."), DClass.IN, 300, loopback));
        }
        zone.add(tlsa("mx.dane.test", 3, 1, 1, sha256(serverCertificate.certificate().getPublicKey().getEncoded())));
        zone.add(tlsa("mx.dane.test", 0, 0, 1, sha256(otherCertificate.certificate().getEncoded())));
        zone.add(tlsa("mx.ta.test", 2, 0, 1, sha256(authority.certificate().getEncoded())));
        zone.add(tlsa("mx.tawrongname.test", 2, 1, 0, authority.certificate().getPublicKey().getEncoded()));
        zone.add(tlsa("mx.badtlsa.test", 3, 1, 1, sha256(serverCertificate.certificate().getPublicKey().getEncoded())));
        zone.sign();
        zone.tamper(new MXRecord(TestZone.name("bogus.test."), DClass.IN, 300, 10, TestZone.name("mx.dane.test.")));
        zone.tamper(tlsa("mx.badtlsa.test", 3, 1, 1, sha256(otherCertificate.certificate().getPublicKey().getEncoded())));
        Files.write(temp.resolve("anchor.key"), zone.trustAnchor().readAllBytes());
        return zone;
    }

    private SmtpDeliveryAgent agent(TestZone signed, int port, Set<String> exempt) {
        TestZone unsigned = new TestZone("example.")
                .add(new MXRecord(TestZone.name("plain.example."), DClass.IN, 300, 10,
                        TestZone.name("mx.plain.example.")))
                .add(new ARecord(TestZone.name("mx.plain.example."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        DeliveryConfig config = TestDeliveryConfigs.builder()
                .defaultTlsLevel(TlsLevel.DANE)
                .daneExempt(exempt)
                .mtaSts(false)
                .build();
        return new SmtpDeliveryAgent(config, new DeliveryEnvironment(new InMemoryResolver(signed, unsigned), port,
                temp.resolve("anchor.key")));
    }

    private DeliveryOutcome deliver(String domain) throws Exception {
        byte[] content = "Subject: dane\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "sender@example.com",
                List.of("a@" + domain), domain, TlsLevel.DANE, false, content.length,
                () -> new ByteArrayInputStream(content));
        return agent.deliver(request).get(30, TimeUnit.SECONDS);
    }

    private static TLSARecord tlsa(String host, int usage, int selector, int matching, byte[] data) {
        return new TLSARecord(TestZone.name("_25._tcp." + host + "."), DClass.IN, 300, usage, selector, matching, data);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
