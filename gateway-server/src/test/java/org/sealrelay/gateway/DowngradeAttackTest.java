package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.StartTlsStrippingProxy;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * An attacker strips STARTTLS from the next hop's EHLO reply. At every level that requires TLS
 * the gateway must not send MAIL FROM, let alone the message, and must defer with 4.7.5.
 */
class DowngradeAttackTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"encrypt", "verify", "dane", "mta-sts"})
    void strippedStartTlsNeverLeadsToClearText(String level) throws Exception {
        try (NextHopServer nextHop = NextHopServer.withStartTls();
                StartTlsStrippingProxy attacker = new StartTlsStrippingProxy(nextHop.port());
                Gateway gateway = Gateway.start(TestGateways.relayingTo(directory, attacker.port(), level, ""))) {
            QueueId id = SmtpTestClient.queueIdOf(SmtpTestClient.submit(gateway.listenAddresses().get(0),
                    "a@clinic.example", List.of("b@lab.example"),
                    "Subject: must not leak\r\n\r\nDiagnosis: confidential\r\n"));

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Envelope envelope = gateway.queueManager().find(id);
                return envelope != null && envelope.recipients().get(0).attempts() >= 1;
            });
            assertThat(attacker.clientLines()).as("lines the gateway sent through the attacker").isNotEmpty();
            assertThat(attacker.clientLines()).noneMatch(line -> line.toUpperCase().startsWith("MAIL FROM"));
            assertThat(attacker.clientLines()).noneMatch(line -> line.contains("confidential"));
            assertThat(gateway.queueManager().find(id).recipients().get(0).lastReply()).contains("4.7.5");
            assertThat(nextHop.received()).isEmpty();
        }
    }

    /** The control case: at {@code may} the stripped session goes on in clear, so the attack is real. */
    @org.junit.jupiter.api.Test
    void mayLevelFallsToClearTextUnderTheSameAttack() throws Exception {
        try (NextHopServer nextHop = NextHopServer.withStartTls();
                StartTlsStrippingProxy attacker = new StartTlsStrippingProxy(nextHop.port());
                Gateway gateway = Gateway.start(TestGateways.relayingTo(directory, attacker.port(), "may", ""))) {
            String reply = SmtpTestClient.submit(gateway.listenAddresses().get(0), "a@clinic.example",
                    List.of("b@lab.example"), "Subject: opportunistic\r\n\r\nx\r\n");
            assertThat(reply).startsWith("250 ");
            await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
            assertThat(nextHop.received().get(0).overTls()).isFalse();
            assertThat(attacker.clientLines()).anyMatch(line -> line.toUpperCase().startsWith("MAIL FROM"));
        }
    }
}
