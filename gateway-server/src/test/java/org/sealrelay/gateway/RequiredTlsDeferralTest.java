package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.RecipientStatus;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/** At the encrypt level a next hop without STARTTLS never receives the message in clear. */
class RequiredTlsDeferralTest {
    @TempDir
    Path directory;

    @Test
    void encryptLevelDefersUntilStartTlsOffered() throws Exception {
        NextHopServer plainHop = NextHopServer.withoutStartTls();
        int port = plainHop.port();
        NextHopServer tlsHop = null;
        try (Gateway gateway = Gateway.start(TestGateways.relayingTo(directory, port, "encrypt", ""))) {
            QueueId id = send(gateway.listenAddresses().get(0));

            await().atMost(Duration.ofSeconds(20)).until(() -> attempts(gateway, id) >= 2);
            Envelope envelope = gateway.queueManager().find(id);
            assertThat(envelope.recipients().get(0).status()).isEqualTo(RecipientStatus.PENDING);
            assertThat(envelope.recipients().get(0).lastReply()).contains("STARTTLS");
            assertThat(plainHop.received()).as("messages sent in clear").isEmpty();

            plainHop.close();
            tlsHop = NextHopServer.onPort(port, true);
            gateway.queueManager().flush();

            NextHopServer hop = tlsHop;
            await().atMost(Duration.ofSeconds(20)).until(() -> hop.received().size() == 1);
            assertThat(hop.received().get(0).overTls()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        } finally {
            plainHop.close();
            if (tlsHop != null) {
                tlsHop.close();
            }
        }
    }

    private static int attempts(Gateway gateway, QueueId id) {
        Envelope envelope = gateway.queueManager().find(id);
        return envelope == null ? 0 : envelope.recipients().get(0).attempts();
    }

    private static QueueId send(InetSocketAddress address) throws Exception {
        return SmtpTestClient.queueIdOf(SmtpTestClient.submit(address, "sender@clinic.example",
                List.of("recipient@partner.example"), "Subject: must not leak\r\n\r\nSSN 123-45-6789\r\n"));
    }
}
