package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.gateway.tlsrpt.DomainTally;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.PolicyTally;
import org.sealrelay.gateway.tlsrpt.PolicyType;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import org.sealrelay.policy.TlsLevel;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;

/** Sessions that the agent counts reach the store it was handed, with the failure details. */
class TlsReportRecordingTest {
    private final TlsReportStore store = TlsReportStore.inMemory(Clock.systemUTC());
    private SmtpDeliveryAgent agent;

    @AfterEach
    void closeAgent() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void missingStartTlsIsRecordedWithDetails() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agent = agent(server.port(), null);
            agent.recordTlsSessionsIn(store);

            DeliveryOutcome outcome = deliver();

            assertThat(outcome.byRecipient().get("a@report.test").result()).isEqualTo(Result.DEFERRED);
            DomainTally tally = store.domain(store.today(), "report.test").orElseThrow();
            assertThat(tally.policies()).hasSize(1);
            PolicyTally policy = tally.policies().get(0);
            assertThat(policy.policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
            assertThat(policy.successes()).isZero();
            assertThat(policy.failures()).isEqualTo(Map.of(new FailureDetail(ResultType.STARTTLS_NOT_SUPPORTED,
                    "127.0.0.1", "mx.report.test", "127.0.0.1"), 1L));
        }
    }

    @Test
    void smartHostSessionsAreNotCounted() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            agent = agent(0, new HostAndPort("127.0.0.1", server.port()));
            agent.recordTlsSessionsIn(store);

            DeliveryOutcome outcome = deliver();

            assertThat(outcome.byRecipient().get("a@report.test").result()).isEqualTo(Result.DEFERRED);
            assertThat(store.days()).isEmpty();
        }
    }

    private SmtpDeliveryAgent agent(int mxPort, HostAndPort smartHost) {
        TestZone zone = new TestZone("test.")
                .add(new MXRecord(TestZone.name("report.test."), DClass.IN, 300, 10, TestZone.name("mx.report.test.")))
                .add(new ARecord(TestZone.name("mx.report.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        DeliveryConfig config = TestDeliveryConfigs.builder()
                .smartHost(smartHost)
                .mtaSts(false)
                .build();
        return new SmtpDeliveryAgent(config, new DeliveryEnvironment(new InMemoryResolver(zone), mxPort, null));
    }

    private DeliveryOutcome deliver() throws Exception {
        byte[] content = "Subject: report\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "sender@example.com",
                List.of("a@report.test"), "report.test", TlsLevel.ENCRYPT, false, content.length,
                () -> new ByteArrayInputStream(content));
        return agent.deliver(request).get(30, TimeUnit.SECONDS);
    }
}
