package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.policy.TlsLevel;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;

/**
 * The {@code dane} level with every DNS answer fetched over UDP and TCP from a
 * {@link LoopbackDnsServer}: the agent's resolver is built from {@code delivery.dns-servers}
 * as in production, and dnsjava's {@code ValidatingResolver} checks the signed zone against the
 * configured trust anchor.
 */
class DaneOverTheWireTest {
    /** Extra TLSA records at mx.big.test, so that the signed answer passes the UDP payload size. */
    private static final int FILLER_TLSA_RECORDS = 40;

    private static TestCertificates serverCertificate;
    private static TestCertificates otherCertificate;
    private static TestCertificates authority;
    private static TestCertificates issued;

    @TempDir
    Path temp;

    private LoopbackDnsServer dns;
    private SmtpDeliveryAgent agent;

    @BeforeAll
    static void createCertificates() throws Exception {
        serverCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        otherCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        authority = TestCertificates.authority("Test DANE CA");
        issued = authority.issue("mx.ta.test");
    }

    @BeforeEach
    void startDns() throws Exception {
        dns = new LoopbackDnsServer(signedZone(), unsignedZone());
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        dns.close();
    }

    @Test
    void matchingDaneEeDelivers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("dane.test");

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(server.messages()).hasSize(1);
            assertThat(dns.udpQueries()).isPositive();
        }
    }

    @Test
    void largeTlsaAnswerComesOverTcp() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("big.test");

            assertThat(outcome.byRecipient().get("a@big.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(dns.truncatedResponses()).isPositive();
            assertThat(dns.tcpQueries()).isPositive();
        }
    }

    @Test
    void mismatchingDaneEeDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(issued.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("ta.test");

            assertThat(outcome.byRecipient().get("a@ta.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
        }
    }

    @Test
    void bogusMxSignatureDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

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
        try (RecordingSmtpServer server = new RecordingSmtpServer(serverCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), wrongAnchor);

            DeliveryOutcome outcome = deliver("dane.test");

            RecipientOutcome result = outcome.byRecipient().get("a@dane.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 DNSSEC validation of the MX records of dane.test failed: ");
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void insecureZoneFallsBackToEncrypt() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver("plain.example");

            assertThat(outcome.byRecipient().get("a@plain.example").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.tlsProtocol()).isNotNull();
            assertThat(outcome.peerVerified()).isFalse();
        }
    }

    private TestZone signedZone() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TestZone zone = new TestZone("test.");
        for (String domain : List.of("dane", "ta", "bogus", "badtlsa", "big")) {
            zone.add(new MXRecord(TestZone.name(domain + ".test."), DClass.IN, 300, 10,
                    TestZone.name("mx." + domain + ".test.")));
            zone.add(new ARecord(TestZone.name("mx." + domain + ".test."), DClass.IN, 300, loopback));
        }
        byte[] serverKeyHash = sha256(serverCertificate.certificate().getPublicKey().getEncoded());
        zone.add(tlsa("mx.dane.test", 3, 1, 1, serverKeyHash));
        zone.add(tlsa("mx.ta.test", 2, 0, 1, sha256(authority.certificate().getEncoded())));
        zone.add(tlsa("mx.badtlsa.test", 3, 1, 1, serverKeyHash));
        zone.add(tlsa("mx.big.test", 3, 1, 1, serverKeyHash));
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < FILLER_TLSA_RECORDS; i++) {
            byte[] filler = new byte[32];
            random.nextBytes(filler);
            zone.add(tlsa("mx.big.test", 3, 1, 1, filler));
        }
        zone.sign();
        zone.tamper(new MXRecord(TestZone.name("bogus.test."), DClass.IN, 300, 10, TestZone.name("mx.dane.test.")));
        zone.tamper(tlsa("mx.badtlsa.test", 3, 1, 1, sha256(otherCertificate.certificate().getPublicKey().getEncoded())));
        Files.write(temp.resolve("anchor.key"), zone.trustAnchor().readAllBytes());
        return zone;
    }

    private static TestZone unsignedZone() {
        return new TestZone("example.")
                .add(new MXRecord(TestZone.name("plain.example."), DClass.IN, 300, 10,
                        TestZone.name("mx.plain.example.")))
                .add(new ARecord(TestZone.name("mx.plain.example."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
    }

    /** Builds the agent's DNS from the configuration, as production does, and dials MX hosts on {@code smtpPort}. */
    private SmtpDeliveryAgent agent(int smtpPort, Path trustAnchor) {
        DeliveryConfig config = TestDeliveryConfigs.builder()
                .defaultTlsLevel(TlsLevel.DANE)
                .dnsServers(List.of(new HostAndPort("127.0.0.1", dns.port())))
                .dnssecTrustAnchor(trustAnchor)
                .mtaSts(false)
                .build();
        DeliveryEnvironment production = DeliveryEnvironment.fromConfig(config);
        return new SmtpDeliveryAgent(config, new DeliveryEnvironment(production.dnsResolver(), smtpPort,
                production.dnssecTrustAnchor()));
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
