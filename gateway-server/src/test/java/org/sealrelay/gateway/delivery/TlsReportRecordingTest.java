package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.gateway.tlsrpt.DomainTally;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.PolicyTally;
import org.sealrelay.gateway.tlsrpt.PolicyType;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import org.sealrelay.policy.TlsLevel;

/** Sessions that the agent counts reach the store it was handed, with the failure details. */
class TlsReportRecordingTest {
    private final TlsReportStore store = TlsReportStore.inMemory(Clock.systemUTC());

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    private SmtpDeliveryAgent agent;


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
        TestZone zone = new TestZone("test.").addLoopbackMx("report.test");
        DeliveryConfig config = deliveryConfig().smartHost(smartHost).defaultTlsLevel(TlsLevel.ENCRYPT).mtaSts(false)
                .build();
        return agents.start(config, new DeliveryEnvironment(new InMemoryResolver(zone), mxPort, null));
    }

    private DeliveryOutcome deliver() throws Exception {
        return agents.deliver(DeliveryRequests.request(List.of("a@report.test"), "report.test", TlsLevel.ENCRYPT,
                "Subject: report\r\n\r\nbody\r\n"));
    }
}
