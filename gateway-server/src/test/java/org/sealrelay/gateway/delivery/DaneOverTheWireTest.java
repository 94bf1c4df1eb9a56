package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.policy.TlsLevel;

/**
 * The {@code dane} level with every DNS answer fetched over UDP and TCP from a
 * {@link LoopbackDnsServer}: the agent's resolver is built from {@code delivery.dns-servers}
 * as in production, and dnsjava's {@code ValidatingResolver} checks the signed zone against the
 * configured trust anchor.
 */
class DaneOverTheWireTest {
    /** Extra TLSA records at mx.big.test, so that the signed answer passes the UDP payload size. */
    private static final int FILLER_TLSA_RECORDS = 40;

    private static DaneZones dane;

    @TempDir
    Path temp;

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    private LoopbackDnsServer dns;

    @BeforeAll
    static void createCertificates() throws Exception {
        dane = DaneZones.create();
    }

    @BeforeEach
    void startDns() throws Exception {
        dns = new LoopbackDnsServer(signedZone(), DaneZones.insecureZone());
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    @Test
    void matchingDaneEeDelivers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("dane.test");

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(server.messages()).hasSize(1);
            assertThat(dns.udpQueries()).isPositive();
        }
    }

    @Test
    void largeTlsaAnswerComesOverTcp() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("big.test");

            assertThat(outcome.byRecipient().get("a@big.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(dns.truncatedResponses()).isPositive();
            assertThat(dns.tcpQueries()).isPositive();
        }
    }

    @Test
    void mismatchingDaneEeDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.otherCertificate.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("dane.test");

            RecipientOutcome result = outcome.byRecipient().get("a@dane.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with mx.dane.test[127.0.0.1]:" + server.port()
                    + " failed at level dane: ");
            assertThat(result.reply()).contains("no TLSA record matches the certificate chain");
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void matchingDaneTaDelivers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.issued.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("ta.test");

            assertThat(outcome.byRecipient().get("a@ta.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
        }
    }

    @Test
    void bogusMxSignatureDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("bogus.test");

            RecipientOutcome result = outcome.byRecipient().get("a@bogus.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 DNSSEC validation of the MX records of bogus.test failed: ");
            assertThat(outcome.nextHop()).isEmpty();
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void bogusTlsaDefersWithoutConnecting() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("badtlsa.test");

            RecipientOutcome result = outcome.byRecipient().get("a@badtlsa.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith(
                    "4.7.5 DNSSEC validation of the TLSA records at _25._tcp.mx.badtlsa.test failed: ");
            assertThat(outcome.nextHop()).isEmpty();
        }
    }

    @Test
    void wrongTrustAnchorDefers() throws Exception {
        Path wrongAnchor = temp.resolve("wrong-anchor.key");
        TestZone stranger = new TestZone("test.");
        stranger.sign();
        Files.write(wrongAnchor, stranger.trustAnchor().readAllBytes());
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.serverCertificate.serverContext(), Map.of())) {
            agent(server.port(), wrongAnchor);

            DeliveryOutcome outcome = deliver("dane.test");

            RecipientOutcome result = outcome.byRecipient().get("a@dane.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 DNSSEC validation of the MX records of dane.test failed: ");
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void insecureZoneFallsBackToEncrypt() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(dane.otherCertificate.serverContext(), Map.of())) {
            agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("plain.example");

            assertThat(outcome.byRecipient().get("a@plain.example").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.tlsProtocol()).isNotNull();
            assertThat(outcome.peerVerified()).isFalse();
        }
    }

    /** Returns the shared DANE zone plus {@code big.test}, whose TLSA answer is too large for UDP. */
    private TestZone signedZone() throws Exception {
        TestZone zone = dane.testZone("big.test");
        zone.add(TestZone.tlsa("mx.big.test", 3, 1, 1, dane.serverCertificate.publicKeySha256()));
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < FILLER_TLSA_RECORDS; i++) {
            byte[] filler = new byte[32];
            random.nextBytes(filler);
            zone.add(TestZone.tlsa("mx.big.test", 3, 1, 1, filler));
        }
        dane.signAndTamper(zone, temp.resolve("anchor.key"));
        return zone;
    }

    /** Builds the agent's DNS from the configuration, as production does, and dials MX hosts on {@code smtpPort}. */
    private SmtpDeliveryAgent agent(int smtpPort, Path trustAnchor) {
        DeliveryConfig config = deliveryConfig().defaultTlsLevel(TlsLevel.DANE).loopbackDnsServer(dns.port())
                .dnssecTrustAnchor(trustAnchor).mtaSts(false).build();
        DeliveryEnvironment production = DeliveryEnvironment.fromConfig(config);
        return agents.start(config, new DeliveryEnvironment(production.dnsResolver(), smtpPort,
                production.dnssecTrustAnchor()));
    }

    private DeliveryOutcome deliver(String domain) throws Exception {
        return agents.deliver(DeliveryRequests.request(List.of("a@" + domain), domain, TlsLevel.DANE,
                "Subject: dane\r\n\r\nbody\r\n"));
    }
}
