package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.policy.TlsLevel;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;

/**
 * MTA-STS against a loopback HTTPS policy server (JDK {@code HttpsServer}) and loopback next
 * hops, with the {@code _mta-sts} TXT record and the other DNS answers served over UDP and TCP
 * by a {@link LoopbackDnsServer} that {@code delivery.dns-servers} points at.
 */
class MtaStsDeliveryTest {
    private static TestCertificates authority;
    private static TestCertificates mxCertificate;
    private static TestCertificates untrustedMx;
    private static TestCertificates webCertificate;

    @TempDir
    Path temp;

    private HttpsServer web;
    private final Map<String, String> policies = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private TestZone zone;
    private LoopbackDnsServer dns;
    private SmtpDeliveryAgent agent;

    @BeforeAll
    static void createCertificates() throws Exception {
        authority = TestCertificates.authority("Test MTA-STS CA");
        mxCertificate = authority.issue("mx.sts.test");
        untrustedMx = TestCertificates.selfSigned("mx.sts.test", null);
        webCertificate = TestCertificates.selfSigned("localhost", "127.0.0.1");
    }

    @BeforeEach
    void startPolicyServer() throws Exception {
        web = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.setHttpsConfigurator(new HttpsConfigurator(webCertificate.serverContext()));
        web.createContext("/", exchange -> {
            fetches.incrementAndGet();
            String domain = exchange.getRequestURI().getPath().split("/")[1];
            String body = policies.get(domain);
            if (body == null) {
                exchange.getResponseHeaders().add("Location", "https://elsewhere.test/");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            byte[] octets = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, octets.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(octets);
            }
        });
        web.start();
        zone = new TestZone("test.")
                .add(new MXRecord(TestZone.name("sts.test."), DClass.IN, 300, 10, TestZone.name("mx.sts.test.")))
                .add(new ARecord(TestZone.name("mx.sts.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()))
                .add(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=STSv1; id=1"));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (dns != null) {
            dns.close();
        }
        web.stop(0);
    }

    @Test
    void enforceDeliversOverValidatedTls() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isTrue();
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void enforceDefersUntrustedCertificate() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(untrustedMx.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            RecipientOutcome result = outcome.byRecipient().get("a@sts.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with mx.sts.test[127.0.0.1]:" + server.port()
                    + " failed at level mta-sts enforce: ");
            assertThat(server.mailFromCommands()).isEmpty();
            assertThat(agent.tlsReports().failures("sts.test", TlsReportCounters.PolicyType.STS))
                    .isEqualTo(Map.of("certificate-not-trusted", 1L));
        }
    }

    @Test
    void enforceReportsExpiredCertificate() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        TestCertificates expired = authority.issueExpired("mx.sts.test");
        try (RecordingSmtpServer server = new RecordingSmtpServer(expired.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DEFERRED);
            assertThat(server.mailFromCommands()).isEmpty();
            assertThat(agent.tlsReports().failures("sts.test", TlsReportCounters.PolicyType.STS))
                    .isEqualTo(Map.of("certificate-expired", 1L));
        }
    }

    @Test
    void enforceReportsWrongHostCertificate() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        TestCertificates otherHost = authority.issue("mail.elsewhere.test");
        try (RecordingSmtpServer server = new RecordingSmtpServer(otherHost.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DEFERRED);
            assertThat(agent.tlsReports().failures("sts.test", TlsReportCounters.PolicyType.STS))
                    .isEqualTo(Map.of("certificate-host-mismatch", 1L));
        }
    }

    @Test
    void enforceDefersWithoutStartTls() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            RecipientOutcome result = outcome.byRecipient().get("a@sts.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo("4.7.5 STARTTLS not offered by mx.sts.test[127.0.0.1]:" + server.port());
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void enforceSkipsMxOutsidePolicy() throws Exception {
        policies.put("sts.test", enforce("*.other.test"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.ENCRYPT);

            DeliveryOutcome outcome = deliver(TlsLevel.ENCRYPT);

            RecipientOutcome result = outcome.byRecipient().get("a@sts.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo(
                    "4.7.5 MX host mx.sts.test does not match the MTA-STS policy of sts.test (mx *.other.test)");
            assertThat(outcome.nextHop()).isEmpty();
        }
    }

    @Test
    void testingModeDeliversAndLogs() throws Exception {
        policies.put("sts.test", "version: STSv1\nmode: testing\nmx: mx.sts.test\nmax_age: 3600\n");
        try (RecordingSmtpServer server = new RecordingSmtpServer(untrustedMx.serverContext(), Map.of());
                LogCapture logs = new LogCapture()) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.peerVerified()).isFalse();
            assertThat(logs.lines()).anyMatch(line -> line.contains(
                    "domain=sts.test MTA-STS testing mode: the certificate would fail the policy, delivering anyway"));
            assertThat(agent.tlsReports().failures("sts.test", TlsReportCounters.PolicyType.STS))
                    .isEqualTo(Map.of("validation-failure", 1L));
            assertThat(agent.tlsReports().successes("sts.test", TlsReportCounters.PolicyType.STS)).isZero();
        }
    }

    @Test
    void policyIsCachedUntilTheIdChanges() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.MAY);

            deliver(TlsLevel.MAY);
            deliver(TlsLevel.MAY);
            assertThat(fetches.get()).isEqualTo(1);

            zone.replace(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=STSv1; id=2"));
            policies.put("sts.test", enforce("*.other.test"));
            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            assertThat(fetches.get()).isEqualTo(2);
            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DEFERRED);
            assertThat(server.messages()).hasSize(2);
        }
    }

    @Test
    void redirectIsNotFollowed() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of());
                LogCapture logs = new LogCapture()) {
            agent = agent(server.port(), TlsLevel.MAY);

            DeliveryOutcome outcome = deliver(TlsLevel.MAY);

            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(fetches.get()).isEqualTo(1);
            assertThat(logs.lines()).anyMatch(line -> line.contains("expected status 200; got 302"));
            assertThat(agent.tlsReports().failures("sts.test", TlsReportCounters.PolicyType.STS))
                    .isEqualTo(Map.of("sts-policy-fetch-error", 1L));
        }
    }

    @Test
    void mtaStsLevelWithoutPolicyUsesFallback() throws Exception {
        zone.replace(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=spf1 -all"));
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agent = agent(server.port(), TlsLevel.MTA_STS);

            DeliveryOutcome outcome = deliver(TlsLevel.MTA_STS);

            RecipientOutcome result = outcome.byRecipient().get("a@sts.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo("4.7.5 STARTTLS not offered by mx.sts.test[127.0.0.1]:" + server.port());
            assertThat(fetches.get()).isZero();
        }
    }

    @Test
    void oversizedPolicyIsRejected() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test") + "x".repeat(MtaStsFetcher.MAX_POLICY_OCTETS));
        MtaStsFetcher fetcher = new MtaStsFetcher(TlsClientContexts.create(trustFile()).pkixContext(),
                Duration.ofSeconds(5), this::policyUri);

        assertThat(fetcher.fetch("sts.test"))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("exceeds the limit of 65536 octets");
    }

    @Test
    void daneMismatchIsNotRescuedByMtaSts() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        zone.add(new TLSARecord(TestZone.name("_25._tcp.mx.sts.test."), DClass.IN, 300, 3, 1, 1, new byte[32]));
        signWithAnchor();
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.DANE, temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver(TlsLevel.DANE);

            RecipientOutcome result = outcome.byRecipient().get("a@sts.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with mx.sts.test[127.0.0.1]:" + server.port()
                    + " failed at level dane: ");
            assertThat(server.mailFromCommands()).isEmpty();
        }
    }

    @Test
    void secureMxWithoutTlsaUsesMtaSts() throws Exception {
        policies.put("sts.test", enforce("mx.sts.test"));
        signWithAnchor();
        try (RecordingSmtpServer server = new RecordingSmtpServer(untrustedMx.serverContext(), Map.of())) {
            agent = agent(server.port(), TlsLevel.DANE, temp.resolve("anchor.key"));

            DeliveryOutcome outcome = deliver(TlsLevel.DANE);

            RecipientOutcome result = outcome.byRecipient().get("a@sts.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with mx.sts.test[127.0.0.1]:" + server.port()
                    + " failed at level mta-sts enforce: ");
        }
    }

    private void signWithAnchor() throws Exception {
        zone.sign();
        Files.write(temp.resolve("anchor.key"), zone.trustAnchor().readAllBytes());
    }

    private static String enforce(String mx) {
        return "version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 86400\n";
    }

    private URI policyUri(String domain) {
        return URI.create("https://localhost:" + web.getAddress().getPort() + "/" + domain + "/.well-known/mta-sts.txt");
    }

    private Path trustFile() throws Exception {
        Path web = webCertificate.writePem(temp.resolve("web.pem"));
        Path ca = authority.writePem(temp.resolve("ca.pem"));
        Path both = temp.resolve("trust.pem");
        Files.writeString(both, Files.readString(web) + Files.readString(ca));
        return both;
    }

    private SmtpDeliveryAgent agent(int port, TlsLevel level) throws Exception {
        return agent(port, level, null);
    }

    /** Starts the DNS server on the zone as the test left it, and an agent that resolves through it. */
    private SmtpDeliveryAgent agent(int port, TlsLevel level, Path trustAnchor) throws Exception {
        dns = new LoopbackDnsServer(zone);
        DeliveryConfig config = TestDeliveryConfigs.builder()
                .defaultTlsLevel(level)
                .trustFile(trustFile())
                .dnsServers(List.of(new HostAndPort("127.0.0.1", dns.port())))
                .dnssecTrustAnchor(trustAnchor)
                .build();
        return new SmtpDeliveryAgent(config, new DeliveryEnvironment(
                DeliveryEnvironment.fromConfig(config).dnsResolver(), port, trustAnchor, this::policyUri,
                Duration.ofSeconds(5)));
    }

    private DeliveryOutcome deliver(TlsLevel level) throws Exception {
        byte[] content = "Subject: sts\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "sender@example.com", List.of("a@sts.test"),
                "sts.test", level, false, content.length, () -> new ByteArrayInputStream(content));
        return agent.deliver(request).get(30, TimeUnit.SECONDS);
    }
}
