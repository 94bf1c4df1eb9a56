package org.sealrelay.gateway.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.TlsReportingConfig;
import org.sealrelay.gateway.delivery.HttpsTrust;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.MutableClock;
import org.sealrelay.gateway.tls.SelfSignedCertificate;
import org.xbill.DNS.DClass;
import org.xbill.DNS.TXTRecord;

class TlsReportServiceTest {
    private static final Instant DAY_ONE = Instant.parse("2026-12-03T09:00:00Z");
    private static final Instant DAY_TWO = Instant.parse("2026-12-04T00:40:00Z");
    private static final LocalDate REPORTED_DAY = LocalDate.of(2026, 12, 3);
    private static SelfSignedCertificate webCertificate;

    /** One request the HTTPS endpoint received. */
    record Post(String method, String path, String contentType, byte[] body) {}

    @TempDir
    Path temp;

    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpsServer web;
    private TestZone zone;
    private MutableClock clock;
    private TlsReportStore store;

    @BeforeAll
    static void createCertificate() throws Exception {
        webCertificate = SelfSignedCertificate.generate("localhost", List.of("localhost"), List.of("127.0.0.1"));
    }

    @BeforeEach
    void startEndpoint() throws Exception {
        web = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
        web.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                posts.add(new Post(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body.readAllBytes()));
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        web.start();
        zone = new TestZone("test.");
        clock = new MutableClock(DAY_ONE);
        store = TlsReportStore.open(temp.resolve("spool"), clock);
    }

    @AfterEach
    void stopEndpoint() {
        web.stop(0);
    }

    @Test
    void httpsEndpointReceivesGzipReport() throws Exception {
        publish("https.test", "v=TLSRPTv1; rua=" + endpoint("/reports"));
        store.success(ReportPolicy.noPolicyFound("https.test"));
        store.failure(ReportPolicy.noPolicyFound("https.test"), new FailureDetail(ResultType.STARTTLS_NOT_SUPPORTED,
                "127.0.0.1", "mx.https.test", "127.0.0.2"));
        clock.set(DAY_TWO);

        ReportRun run = service(List.of()).sendDue();

        assertThat(run).isEqualTo(new ReportRun(1, 0, 0, 0));
        assertThat(posts).hasSize(1);
        Post post = posts.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/reports");
        assertThat(post.contentType()).isEqualTo("application/tlsrpt+gzip");
        JsonNode report = gunzipJson(post.body());
        assertThat(report.get("organization-name").asText()).isEqualTo("Clinic Example");
        assertThat(report.get("contact-info").asText()).isEqualTo("tls-admin@clinic.example");
        assertThat(report.get("report-id").asText()).startsWith("20261203.").endsWith("@gateway.test");
        assertThat(report.get("date-range").get("start-datetime").asText()).isEqualTo("2026-12-03T00:00:00Z");
        JsonNode policy = report.get("policies").get(0);
        assertThat(policy.get("policy").get("policy-domain").asText()).isEqualTo("https.test");
        assertThat(policy.get("summary").get("total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(policy.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
        JsonNode failure = policy.get("failure-details").get(0);
        assertThat(failure.get("result-type").asText()).isEqualTo("starttls-not-supported");
        assertThat(failure.get("receiving-mx-hostname").asText()).isEqualTo("mx.https.test");
        assertThat(failure.get("receiving-ip").asText()).isEqualTo("127.0.0.2");
        assertThat(failure.get("failed-session-count").asLong()).isEqualTo(1);
        assertThat(store.days()).isEmpty();
        assertThat(TlsReportStore.open(temp.resolve("spool"), clock).days()).isEmpty();
    }

    @Test
    void domainWithoutRecordGetsNoReport() throws Exception {
        store.success(ReportPolicy.noPolicyFound("plain.test"));
        clock.set(DAY_TWO);

        ReportRun run = service(List.of()).sendDue();

        assertThat(run).isEqualTo(new ReportRun(0, 1, 0, 0));
        assertThat(posts).isEmpty();
        assertThat(store.domain(REPORTED_DAY, "plain.test")).isEmpty();
    }

    @Test
    void badRuaIsSkippedAndGoodOneUsed() throws Exception {
        publish("mixed.test", "v=TLSRPTv1; rua=ftp://reports.mixed.test/," + endpoint("/good"));
        store.success(ReportPolicy.noPolicyFound("mixed.test"));
        clock.set(DAY_TWO);

        try (LogCapture logs = new LogCapture()) {
            ReportRun run = service(List.of()).sendDue();

            assertThat(run).isEqualTo(new ReportRun(1, 0, 0, 0));
            assertThat(logs.lines()).contains("domain=mixed.test TLSRPT rua URI 'ftp://reports.mixed.test/' is ignored:"
                    + " expected a mailto: or https: URI");
        }
        assertThat(posts).extracting(Post::path).containsExactly("/good");
    }

    @Test
    void onlyBadRuaMeansNoReport() throws Exception {
        publish("bad.test", "v=TLSRPTv1; rua=ftp://reports.bad.test/");
        store.success(ReportPolicy.noPolicyFound("bad.test"));
        clock.set(DAY_TWO);

        ReportRun run = service(List.of()).sendDue();

        assertThat(run).isEqualTo(new ReportRun(0, 1, 0, 0));
        assertThat(posts).isEmpty();
    }

    @Test
    void failedPostRetriesThenGivesUp() throws Exception {
        status.set(503);
        publish("down.test", "v=TLSRPTv1; rua=" + endpoint("/down"));
        store.success(ReportPolicy.noPolicyFound("down.test"));
        clock.set(DAY_TWO);

        try (LogCapture logs = new LogCapture()) {
            ReportRun run = service(List.of(Duration.ofMillis(10), Duration.ofMillis(10))).sendDue();

            assertThat(run).isEqualTo(new ReportRun(0, 0, 1, 0));
            assertThat(logs.lines()).anyMatch(line -> line.equals("domain=down.test TLS report post to "
                    + endpoint("/down") + " failed after 3 attempt(s), giving up: status 503"));
        }
        assertThat(posts).hasSize(3);
        assertThat(store.days()).isEmpty();
    }

    @Test
    void todayIsNotReported() throws Exception {
        publish("https.test", "v=TLSRPTv1; rua=" + endpoint("/reports"));
        store.success(ReportPolicy.noPolicyFound("https.test"));

        ReportRun run = service(List.of()).sendDue();

        assertThat(run).isEqualTo(new ReportRun(0, 0, 0, 0));
        assertThat(posts).isEmpty();
        assertThat(store.domain(REPORTED_DAY, "https.test")).isPresent();
    }

    @Test
    void failedLookupKeepsCounts() throws Exception {
        store.success(ReportPolicy.noPolicyFound("elsewhere.example"));
        clock.set(DAY_TWO);

        ReportRun run = service(List.of()).sendDue();

        assertThat(run).isEqualTo(new ReportRun(0, 0, 0, 1));
        assertThat(store.domain(REPORTED_DAY, "elsewhere.example")).isPresent();
    }

    private TlsReportService service(List<Duration> retryDelays) throws Exception {
        Path trust = temp.resolve("web.pem");
        webCertificate.writePem(trust, temp.resolve("web.key"));
        TlsReportingConfig config = new TlsReportingConfig(true, "Clinic Example", "tls-admin@clinic.example",
                "gateway.test", "postmaster@gateway.test", LocalTime.of(0, 30), Duration.ZERO);
        HttpsReportSender https = new HttpsReportSender(HttpsTrust.pkixContext(trust), Duration.ofSeconds(5),
                retryDelays);
        // No endpoint here is a mailto: one, so the mail path is never taken.
        return new TlsReportService(config, store, DnssecResolver.create(new InMemoryResolver(zone), (Path) null),
                https, null, clock);
    }

    private void publish(String domain, String text) {
        zone.add(new TXTRecord(TestZone.name("_smtp._tls." + domain + "."), DClass.IN, 300, text));
    }

    private String endpoint(String path) {
        return "https://localhost:" + web.getAddress().getPort() + path;
    }

    private static JsonNode gunzipJson(byte[] gzip) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return new ObjectMapper().readTree(in.readAllBytes());
        }
    }

    private static SSLContext serverContext() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        char[] password = "test".toCharArray();
        keyStore.setKeyEntry("web", webCertificate.keyPair().getPrivate(), password,
                new Certificate[] {webCertificate.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
