package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.policy.TlsLevel;

/**
 * The {@code dane} level against loopback next hops, with MX, A and TLSA records served from a
 * zone signed in memory and validated by dnsjava's {@code ValidatingResolver}.
 */
class DaneDeliveryTest {
    private static DaneZones dane;

    @TempDir
    Path temp;

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    private SmtpDeliveryAgent agent;

    @BeforeAll
    static void createCertificates() throws Exception {
        dane = DaneZones.create();
    }

    @Test
    void matchingDaneEeDelivers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of());

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.otherCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of());

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.issued.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of());

            DeliveryOutcome outcome = deliver("ta.test");

            assertThat(outcome.byRecipient().get("a@ta.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
        }
    }

    @Test
    void daneTaWithWrongNameDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.issued.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of());

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of());

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of());

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.otherCertificate.serverContext(), Map.of());
                LogCapture logs = new LogCapture()) {
            agent = agent(server.port(), Set.of());

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
            agent = agent(server.port(), Set.of());

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.otherCertificate.serverContext(), Map.of());
                LogCapture logs = new LogCapture()) {
            agent = agent(server.port(), Set.of("dane.test"));

            DeliveryOutcome outcome = deliver("dane.test");

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(logs.lines()).anyMatch(line -> line.contains(
                    "domain=dane.test is exempt from DANE by delivery.dane-exempt; ignoring its TLSA records"
                            + " and using level encrypt"));
        }
    }

    /**
     * Returns the shared DANE zone plus {@code tawrongname.test}, whose DANE-TA (2 1 0) record
     * names the authority that issued a certificate for another host, and a DANE-EE (0 0 1)
     * record for the other certificate at {@code mx.dane.test}.
     */
    private TestZone signedZone() throws Exception {
        TestZone zone = dane.testZone("tawrongname.test");
        zone.add(TestZone.tlsa("mx.dane.test", 0, 0, 1, dane.otherCertificate.certificateSha256()));
        zone.add(TestZone.tlsa("mx.tawrongname.test", 2, 1, 0,
                dane.authority.certificate().getPublicKey().getEncoded()));
        dane.signAndTamper(zone, temp.resolve("anchor.key"));
        return zone;
    }

    private SmtpDeliveryAgent agent(int port, Set<String> exempt) throws Exception {
        DeliveryConfig config = deliveryConfig().defaultTlsLevel(TlsLevel.DANE).daneExempt(exempt).mtaSts(false)
                .build();
        return agents.start(config, new DeliveryEnvironment(
                new InMemoryResolver(signedZone(), DaneZones.insecureZone()), port, temp.resolve("anchor.key")));
    }

    private DeliveryOutcome deliver(String domain) throws Exception {
        return agents.deliver(DeliveryRequests.request(List.of("a@" + domain), domain, TlsLevel.DANE,
                "Subject: dane\r\n\r\nbody\r\n"));
    }
}
