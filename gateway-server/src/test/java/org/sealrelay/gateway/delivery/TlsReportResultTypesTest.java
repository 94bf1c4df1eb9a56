package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.ConnectionReuseConfig;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.gateway.tlsrpt.AggregateReport;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import org.sealrelay.policy.TlsLevel;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;

/**
 * The RFC 8460 result types of DANE and MTA-STS policy failures, from real deliveries to
 * loopback next hops: DNS answers come over UDP and TCP from a {@link LoopbackDnsServer} with a
 * signed zone, MTA-STS policies from loopback HTTPS servers. Each test reads the JSON report
 * that the counted sessions produce.
 */
class TlsReportResultTypesTest {
    private static TestCertificates mxCertificate;
    private static TestCertificates stsAuthority;
    private static TestCertificates stsMxCertificate;
    private static TestCertificates trustedWeb;
    private static TestCertificates untrustedWeb;

    @TempDir
    Path temp;

    private final TlsReportStore store = TlsReportStore.inMemory(Clock.systemUTC());
    private final Map<String, String> policies = new ConcurrentHashMap<>();
    private HttpsServer web;
    private HttpsServer untrusted;
    private LoopbackDnsServer dns;
    private SmtpDeliveryAgent agent;

    @BeforeAll
    static void createCertificates() throws Exception {
        mxCertificate = TestCertificates.selfSigned("mx.dane.test", "127.0.0.1");
        stsAuthority = TestCertificates.authority("Test MTA-STS CA");
        stsMxCertificate = stsAuthority.issue("mx.sts.test");
        trustedWeb = TestCertificates.selfSigned("localhost", "127.0.0.1");
        untrustedWeb = TestCertificates.selfSigned("localhost", "127.0.0.1");
    }

    @BeforeEach
    void start() throws Exception {
        web = policyServer(trustedWeb);
        untrusted = policyServer(untrustedWeb);
        TestZone unsigned = new TestZone("example.")
                .add(new MXRecord(TestZone.name("plain.example."), DClass.IN, 300, 10,
                        TestZone.name("mx.plain.example.")))
                .add(new ARecord(TestZone.name("mx.plain.example."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        dns = new LoopbackDnsServer(signedZone(), unsigned);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        dns.close();
        web.stop(0);
        untrusted.stop(0);
    }

    @Test
    void unusableTlsaUsageIsTlsaInvalid() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            DeliveryOutcome outcome = deliver("pkix.test", TlsLevel.DANE);

            assertThat(outcome.byRecipient().get("a@pkix.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.tlsProtocol()).isNotNull();
            assertThat(outcome.peerVerified()).isFalse();
            JsonNode policy = onlyPolicy("pkix.test");
            assertThat(policy.get("policy").get("policy-type").asText()).isEqualTo("tlsa");
            assertThat(policy.get("policy").get("policy-string").get(0).asText()).startsWith("1 1 1 ");
            assertThat(policy.get("summary").get("total-successful-session-count").asLong()).isZero();
            assertThat(policy.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
            JsonNode detail = onlyDetail(policy);
            assertThat(detail.get("result-type").asText()).isEqualTo("tlsa-invalid");
            assertThat(detail.get("receiving-mx-hostname").asText()).isEqualTo("mx.pkix.test");
            assertThat(detail.get("receiving-ip").asText()).isEqualTo("127.0.0.1");
            assertThat(detail.get("failed-session-count").asLong()).isEqualTo(1);
        }
    }

    @Test
    void malformedTlsaDigestIsTlsaInvalid() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            deliver("short.test", TlsLevel.DANE);
            DeliveryOutcome second = deliver("short.test", TlsLevel.DANE);

            assertThat(second.byRecipient().get("a@short.test").result()).isEqualTo(Result.DELIVERED);
            JsonNode policy = onlyPolicy("short.test");
            assertThat(policy.get("policy").get("policy-type").asText()).isEqualTo("tlsa");
            assertThat(policy.get("summary").get("total-failure-session-count").asLong()).isEqualTo(2);
            assertThat(onlyDetail(policy).get("result-type").asText()).isEqualTo("tlsa-invalid");
            assertThat(onlyDetail(policy).get("failed-session-count").asLong()).isEqualTo(2);
        }
    }

    @Test
    void usableTlsaWithoutStartTlsIsStarttlsNotSupported() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agent = agent(server.port());

            DeliveryOutcome outcome = deliver("dane.test", TlsLevel.DANE);

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DEFERRED);
            assertThat(server.mailFromCommands()).isEmpty();
            JsonNode policy = onlyPolicy("dane.test");
            assertThat(policy.get("policy").get("policy-type").asText()).isEqualTo("tlsa");
            assertThat(policy.get("policy").get("policy-string").get(0).asText()).startsWith("3 1 1 ");
            assertThat(onlyDetail(policy).get("result-type").asText()).isEqualTo("starttls-not-supported");
            assertThat(onlyDetail(policy).get("failed-session-count").asLong()).isEqualTo(1);
        }
    }

    @Test
    void usableTlsaMatchingIsCountedAsSuccess() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            DeliveryOutcome outcome = deliver("dane.test", TlsLevel.DANE);

            assertThat(outcome.byRecipient().get("a@dane.test").result()).isEqualTo(Result.DELIVERED);
            JsonNode policy = onlyPolicy("dane.test");
            assertThat(policy.get("summary").get("total-successful-session-count").asLong()).isEqualTo(1);
            assertThat(policy.get("summary").get("total-failure-session-count").asLong()).isZero();
            assertThat(policy.get("failure-details")).isEmpty();
        }
    }

    @Test
    void requiredDaneWithoutTlsaIsDaneRequired() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of("notlsa.test"));

            DeliveryOutcome outcome = deliver("notlsa.test", TlsLevel.DANE);

            RecipientOutcome result = outcome.byRecipient().get("a@notlsa.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo("4.7.5 delivery.dane-required demands DANE for notlsa.test, but there"
                    + " are no DNSSEC-secure TLSA records at _25._tcp.mx.notlsa.test");
            assertThat(outcome.nextHop()).isEmpty();
            JsonNode policy = onlyPolicy("notlsa.test");
            assertThat(policy.get("policy").get("policy-type").asText()).isEqualTo("tlsa");
            JsonNode detail = onlyDetail(policy);
            assertThat(detail.get("result-type").asText()).isEqualTo("dane-required");
            assertThat(detail.get("receiving-mx-hostname").asText()).isEqualTo("mx.notlsa.test");
            assertThat(detail.has("receiving-ip")).isFalse();
            assertThat(detail.get("failed-session-count").asLong()).isEqualTo(1);
        }
    }

    @Test
    void optionalDaneWithoutTlsaFallsBack() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of("other.test"));

            DeliveryOutcome outcome = deliver("notlsa.test", TlsLevel.DANE);

            assertThat(outcome.byRecipient().get("a@notlsa.test").result()).isEqualTo(Result.DELIVERED);
            JsonNode policy = onlyPolicy("notlsa.test");
            assertThat(policy.get("policy").get("policy-type").asText()).isEqualTo("no-policy-found");
            assertThat(policy.get("summary").get("total-successful-session-count").asLong()).isEqualTo(1);
        }
    }

    @Test
    void requiredDaneWithInsecureMxIsDaneRequired() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of("plain.example"));

            DeliveryOutcome outcome = deliver("plain.example", TlsLevel.DANE);

            RecipientOutcome result = outcome.byRecipient().get("a@plain.example");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo("4.7.5 delivery.dane-required demands DANE for plain.example, but"
                    + " the MX records of plain.example are not DNSSEC-secure");
            JsonNode detail = onlyDetail(onlyPolicy("plain.example"));
            assertThat(detail.get("result-type").asText()).isEqualTo("dane-required");
            assertThat(detail.has("receiving-mx-hostname")).isFalse();
        }
    }

    @Test
    void requiredDaneWithUnusableTlsaDefers() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(mxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port(), Set.of("test"));

            DeliveryOutcome outcome = deliver("pkix.test", TlsLevel.DANE);

            RecipientOutcome result = outcome.byRecipient().get("a@pkix.test");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).isEqualTo("4.7.5 delivery.dane-required demands DANE for pkix.test, but none"
                    + " of the TLSA records at _25._tcp.mx.pkix.test is usable");
            assertThat(server.mailFromCommands()).isEmpty();
            JsonNode detail = onlyDetail(onlyPolicy("pkix.test"));
            assertThat(detail.get("result-type").asText()).isEqualTo("tlsa-invalid");
            assertThat(detail.get("receiving-mx-hostname").asText()).isEqualTo("mx.pkix.test");
        }
    }

    @Test
    void unparsableStsPolicyIsStsPolicyInvalid() throws Exception {
        policies.put("sts.test", "version: STSv1\nmode: strict\nmx: mx.sts.test\nmax_age: 86400\n");
        try (RecordingSmtpServer server = new RecordingSmtpServer(stsMxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            DeliveryOutcome outcome = deliver("sts.test", TlsLevel.MAY);

            assertThat(outcome.byRecipient().get("a@sts.test").result()).isEqualTo(Result.DELIVERED);
            JsonNode sts = policyOfType("sts.test", "sts");
            assertThat(sts.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
            JsonNode detail = onlyDetail(sts);
            assertThat(detail.get("result-type").asText()).isEqualTo("sts-policy-invalid");
            assertThat(detail.has("receiving-ip")).isFalse();
            assertThat(detail.get("failed-session-count").asLong()).isEqualTo(1);
        }
    }

    @Test
    void untrustedPolicyHostIsStsWebpkiInvalid() throws Exception {
        policies.put("webpki.test", "version: STSv1\nmode: enforce\nmx: mx.webpki.test\nmax_age: 86400\n");
        try (RecordingSmtpServer server = new RecordingSmtpServer(stsMxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            deliver("webpki.test", TlsLevel.MAY);

            JsonNode sts = policyOfType("webpki.test", "sts");
            assertThat(sts.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
            assertThat(onlyDetail(sts).get("result-type").asText()).isEqualTo("sts-webpki-invalid");
        }
    }

    @Test
    void missingStsPolicyIsFetchError() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(stsMxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            deliver("sts.test", TlsLevel.MAY);

            JsonNode sts = policyOfType("sts.test", "sts");
            assertThat(onlyDetail(sts).get("result-type").asText()).isEqualTo("sts-policy-fetch-error");
        }
    }

    @Test
    void validStsPolicyIsCountedAsSuccess() throws Exception {
        policies.put("sts.test", "version: STSv1\nmode: enforce\nmx: mx.sts.test\nmax_age: 86400\n");
        try (RecordingSmtpServer server = new RecordingSmtpServer(stsMxCertificate.serverContext(), Map.of())) {
            agent = agent(server.port());

            DeliveryOutcome outcome = deliver("sts.test", TlsLevel.MAY);

            assertThat(outcome.peerVerified()).isTrue();
            JsonNode sts = onlyPolicy("sts.test");
            assertThat(sts.get("policy").get("policy-type").asText()).isEqualTo("sts");
            assertThat(sts.get("summary").get("total-successful-session-count").asLong()).isEqualTo(1);
            assertThat(sts.get("failure-details")).isEmpty();
        }
    }

    private JsonNode onlyPolicy(String domain) throws Exception {
        JsonNode policies = report(domain).get("policies");
        assertThat(policies).as("policies in the report for " + domain).hasSize(1);
        return policies.get(0);
    }

    private JsonNode policyOfType(String domain, String type) throws Exception {
        for (JsonNode policy : report(domain).get("policies")) {
            if (policy.get("policy").get("policy-type").asText().equals(type)) {
                return policy;
            }
        }
        throw new AssertionError("no " + type + " policy in the report for " + domain);
    }

    private static JsonNode onlyDetail(JsonNode policy) {
        assertThat(policy.get("failure-details")).hasSize(1);
        return policy.get("failure-details").get(0);
    }

    private JsonNode report(String domain) throws Exception {
        byte[] json = AggregateReport.json(store.domain(store.today(), domain).orElseThrow(), "Clinic Example",
                "mailto:tls-admin@clinic.example", "report-1");
        return new ObjectMapper().readTree(json);
    }

    private HttpsServer policyServer(TestCertificates certificate) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        server.createContext("/", exchange -> {
            String domain = exchange.getRequestURI().getPath().split("/")[1];
            String body = policies.get(domain);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
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
        server.start();
        return server;
    }

    /** The policy host of webpki.test presents a certificate that the trust file lacks. */
    private URI policyUri(String domain) {
        HttpsServer server = domain.equals("webpki.test") ? untrusted : web;
        return URI.create("https://localhost:" + server.getAddress().getPort() + "/" + domain
                + "/.well-known/mta-sts.txt");
    }

    private TestZone signedZone() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TestZone zone = new TestZone("test.");
        for (String domain : List.of("dane", "pkix", "short", "sts", "webpki", "notlsa")) {
            zone.add(new MXRecord(TestZone.name(domain + ".test."), DClass.IN, 300, 10,
                    TestZone.name("mx." + domain + ".test.")));
            zone.add(new ARecord(TestZone.name("mx." + domain + ".test."), DClass.IN, 300, loopback));
        }
        byte[] keyHash = MessageDigest.getInstance("SHA-256").digest(mxCertificate.certificate().getPublicKey()
                .getEncoded());
        zone.add(tlsa("mx.dane.test", 3, keyHash));
        // PKIX-EE (usage 1) is unusable for SMTP (RFC 7672 section 3.1.3).
        zone.add(tlsa("mx.pkix.test", 1, keyHash));
        // A SHA2-256 record whose digest is 16 octets long can match no certificate.
        byte[] shortDigest = new byte[16];
        System.arraycopy(keyHash, 0, shortDigest, 0, shortDigest.length);
        zone.add(tlsa("mx.short.test", 3, shortDigest));
        zone.add(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=STSv1; id=1"));
        zone.add(new TXTRecord(TestZone.name("_mta-sts.webpki.test."), DClass.IN, 300, "v=STSv1; id=1"));
        zone.sign();
        Files.write(temp.resolve("anchor.key"), zone.trustAnchor().readAllBytes());
        return zone;
    }

    private static TLSARecord tlsa(String host, int usage, byte[] digest) {
        return new TLSARecord(TestZone.name("_25._tcp." + host + "."), DClass.IN, 300, usage, 1, 1, digest);
    }

    private SmtpDeliveryAgent agent(int smtpPort) throws Exception {
        return agent(smtpPort, Set.of());
    }

    /**
     * Starts an agent that trusts the MTA-STS CA and the trusted policy server, but not
     * {@link #untrustedWeb}.
     *
     * @param daneRequired the {@code delivery.dane-required} domains
     */
    private SmtpDeliveryAgent agent(int smtpPort, Set<String> daneRequired) throws Exception {
        Path trust = temp.resolve("trust.pem");
        Files.writeString(trust, Files.readString(stsAuthority.writePem(temp.resolve("ca.pem")))
                + Files.readString(trustedWeb.writePem(temp.resolve("web.pem"))));
        Path anchor = temp.resolve("anchor.key");
        DeliveryConfig config = TestDeliveryConfigs.builder()
                .defaultTlsLevel(TlsLevel.MAY)
                .trustFile(trust)
                .dnsServers(List.of(new HostAndPort("127.0.0.1", dns.port())))
                .dnssecTrustAnchor(anchor)
                .mtaSts(true)
                .fallbackTlsLevel(TlsLevel.ENCRYPT)
                .daneRequired(daneRequired)
                .build();
        SmtpDeliveryAgent created = new SmtpDeliveryAgent(config, new DeliveryEnvironment(
                DeliveryEnvironment.fromConfig(config).dnsResolver(), smtpPort, anchor, this::policyUri,
                Duration.ofSeconds(5)));
        created.recordTlsSessionsIn(store);
        return created;
    }

    private DeliveryOutcome deliver(String domain, TlsLevel level) throws Exception {
        byte[] content = "Subject: report\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "sender@example.com",
                List.of("a@" + domain), domain, level, false, content.length,
                () -> new ByteArrayInputStream(content));
        return agent.deliver(request).get(30, TimeUnit.SECONDS);
    }
}
