package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * A plan [tls-verify, tls-encrypt] against a next hop with a self-signed certificate: the
 * verify step cannot be met, so the recipient moves to the encrypt step at once and is
 * delivered encrypted. The plan never leads to clear text.
 */
class PlanFallbackTest {
    private static final String PLAN = "default:\n  deliver: [tls-verify, tls-encrypt]\n";

    @TempDir
    Path directory;

    @Test
    void unverifiableHopFallsBackToEncrypt() throws Exception {
        try (NextHopServer nextHop = NextHopServer.withStartTls();
                Gateway gateway = Gateway.start(TestGateways.relayingTo(directory, nextHop.port(), "verify",
                        TestGateways.policyFile(directory, PLAN)))) {
            QueueId id = SmtpTestClient.queueIdOf(SmtpTestClient.submit(gateway.listenAddresses().get(0),
                    "a@clinic.example", List.of("b@lab.example"), "Subject: fallback\r\n\r\nx\r\n"));
            await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
            assertThat(nextHop.received().get(0).overTls()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().find(id) == null);
        }
    }

    @Test
    void lastStepThatCannotBeMetDefers() throws Exception {
        try (NextHopServer nextHop = NextHopServer.withoutStartTls();
                Gateway gateway = Gateway.start(TestGateways.relayingTo(directory, nextHop.port(), "verify",
                        TestGateways.policyFile(directory, PLAN)))) {
            QueueId id = SmtpTestClient.queueIdOf(SmtpTestClient.submit(gateway.listenAddresses().get(0),
                    "a@clinic.example", List.of("b@lab.example"), "Subject: no tls at all\r\n\r\nx\r\n"));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Envelope envelope = gateway.queueManager().find(id);
                return envelope != null && envelope.recipients().get(0).planStep() == 1
                        && envelope.recipients().get(0).attempts() >= 2;
            });
            assertThat(gateway.queueManager().find(id).recipients().get(0).lastReply()).contains("4.7.5");
            assertThat(nextHop.received()).as("messages sent in clear").isEmpty();
        }
    }
}
