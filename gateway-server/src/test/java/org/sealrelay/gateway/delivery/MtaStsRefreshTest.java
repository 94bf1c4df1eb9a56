package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.LogCapture;
import org.xbill.DNS.DClass;
import org.xbill.DNS.TXTRecord;

/**
 * Background refresh of cached MTA-STS policies against a loopback HTTPS policy server and an
 * in-memory zone. A hand-moved ticker drives max_age, so expiry never depends on the machine's speed.
 */
class MtaStsRefreshTest {
    private static TestCertificates webCertificate;

    @TempDir
    Path temp;

    private MtaStsPolicyServer web;
    private final AtomicLong tickerNanos = new AtomicLong();
    private TestZone zone;
    private MtaStsPolicies policies;

    @BeforeAll
    static void createCertificate() throws Exception {
        webCertificate = TestCertificates.selfSigned("localhost", "127.0.0.1");
    }

    @BeforeEach
    void start() throws Exception {
        web = new MtaStsPolicyServer(webCertificate.serverContext(), MtaStsPolicyServer.Missing.NOT_FOUND);
        zone = new TestZone("test.")
                .add(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=STSv1; id=1"));
        Ticker ticker = tickerNanos::get;
        MtaStsFetcher fetcher = new MtaStsFetcher(
                TlsClientContexts.create(webCertificate.writePem(temp.resolve("web.pem"))).pkixContext(),
                Duration.ofSeconds(5), web::policyUri);
        policies = new MtaStsPolicies(DnssecResolver.create(new InMemoryResolver(zone), (Path) null), fetcher,
                new TlsReportCounters(), ticker);
    }

    @AfterEach
    void stop() {
        try {
            policies.close();
        } finally {
            web.close();
        }
    }

    @Test
    void refreshRestartsMaxAgeAndReadsNewId() throws Exception {
        web.put("sts.test", enforce("mx-a.sts.test", 3600));
        assertThat(policyFor().orElseThrow().mxPatterns()).containsExactly("mx-a.sts.test");

        advance(Duration.ofSeconds(3000));
        zone.replace(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=STSv1; id=2"));
        web.put("sts.test", enforce("mx-b.sts.test", 3600));
        assertThat(policies.refreshNow("sts.test").get(10, TimeUnit.SECONDS)).isTrue();

        // 6000 s after the first fetch, but only 3000 s after the refresh.
        advance(Duration.ofSeconds(3000));
        removeTxtRecord();
        Optional<MtaStsPolicy> policy = policyFor();

        assertThat(policy.orElseThrow().mxPatterns()).containsExactly("mx-b.sts.test");
        assertThat(web.fetches()).isEqualTo(2);
    }

    @Test
    void sameIdStillRefetchesPolicy() throws Exception {
        web.put("sts.test", enforce("mx-a.sts.test", 3600));
        policyFor();
        web.put("sts.test", enforce("mx-c.sts.test", 3600));

        assertThat(policies.refreshNow("sts.test").get(10, TimeUnit.SECONDS)).isTrue();

        assertThat(web.fetches()).isEqualTo(2);
        // The TXT id is unchanged, so a delivery uses the refreshed policy without a fetch.
        assertThat(policyFor().orElseThrow().mxPatterns()).containsExactly("mx-c.sts.test");
        assertThat(web.fetches()).isEqualTo(2);
    }

    @Test
    void failedRefreshKeepsPolicyUntilMaxAge() throws Exception {
        web.put("sts.test", enforce("mx-a.sts.test", 3600));
        policyFor();
        web.remove("sts.test");
        removeTxtRecord();

        try (LogCapture logs = new LogCapture()) {
            assertThat(policies.refreshNow("sts.test").get(10, TimeUnit.SECONDS)).isFalse();

            assertThat(logs.lines()).anyMatch(line -> line.startsWith(
                    "domain=sts.test MTA-STS policy refresh failed, so the cached policy id=1 stays until it expires"
                            + " in 3600 s: MTA-STS policy fetch from " + web.policyUri("sts.test")
                            + " failed: expected status 200; got 404"));
        }
        assertThat(web.fetches()).isEqualTo(2);
        advance(Duration.ofSeconds(3599));
        assertThat(policyFor().orElseThrow().mxPatterns()).containsExactly("mx-a.sts.test");

        advance(Duration.ofSeconds(2));
        assertThat(policyFor()).isEmpty();
    }

    @Test
    void usedPolicyIsRefreshedInBackground() throws Exception {
        // max_age 2 s puts the refresh 1.5 s after the fetch; the ticker does not move, so nothing expires.
        web.put("sts.test", enforce("mx-a.sts.test", 2));
        policyFor();
        web.put("sts.test", enforce("mx-d.sts.test", 2));

        await().atMost(Duration.ofSeconds(20)).until(() -> web.fetches() >= 2);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> policyFor().orElseThrow().mxPatterns().equals(List.of("mx-d.sts.test")));
    }

    @Test
    void refreshDelayIsCappedAtOneDay() {
        assertThat(MtaStsPolicies.refreshDelay(Duration.ofSeconds(3600))).isEqualTo(Duration.ofSeconds(2700));
        assertThat(MtaStsPolicies.refreshDelay(Duration.ofDays(7))).isEqualTo(Duration.ofDays(1));
    }

    private Optional<MtaStsPolicy> policyFor() throws Exception {
        return policies.policyFor("sts.test", QueueId.generate()).get(10, TimeUnit.SECONDS);
    }

    private void advance(Duration duration) {
        tickerNanos.addAndGet(duration.toNanos());
    }

    private void removeTxtRecord() {
        zone.replace(new TXTRecord(TestZone.name("_mta-sts.sts.test."), DClass.IN, 300, "v=spf1 -all"));
    }

    private static String enforce(String mx, long maxAgeSeconds) {
        return MtaStsPolicyServer.enforce(mx, maxAgeSeconds);
    }
}
