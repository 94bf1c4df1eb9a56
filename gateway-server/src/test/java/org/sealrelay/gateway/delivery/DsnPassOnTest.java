package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.gateway.testing.ScriptedSmtpServer;
import org.sealrelay.policy.TlsLevel;

/**
 * What happens to NOTIFY=SUCCESS at the next hop (RFC 3461 section 5.2): a hop with the DSN
 * extension receives the parameters and owes the report, a hop without it does not, so the
 * outcome marks the recipient as relayed without DSN.
 */
class DsnPassOnTest {
    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    @Test
    void hopWithDsnReceivesParameters() throws Exception {
        try (ScriptedSmtpServer server = server("250-scripted\r\n250-PIPELINING\r\n250 DSN\r\n")) {
            RecipientOutcome outcome = deliver(server);

            assertThat(outcome.result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.relayedWithoutDsn()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).contains("MAIL FROM:<sender@example.com> RET=FULL ENVID=order+3D42",
                    "RCPT TO:<a@example.org> NOTIFY=FAILURE,SUCCESS ORCPT=rfc822;a@example.org");
        }
    }

    @Test
    void hopWithoutDsnMarksRelayed() throws Exception {
        try (ScriptedSmtpServer server = server("250-scripted\r\n250 PIPELINING\r\n")) {
            RecipientOutcome outcome = deliver(server);

            assertThat(outcome.result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.reply()).isEqualTo("250 2.0.0 queued as X2");
            assertThat(outcome.relayedWithoutDsn()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).contains("MAIL FROM:<sender@example.com>", "RCPT TO:<a@example.org>");
        }
    }

    @Test
    void rejectedRecipientIsNotRelayed() throws Exception {
        Map<String, String> replies = Map.of(
                "EHLO", "250-scripted\r\n250 PIPELINING\r\n",
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "550 5.1.1 unknown user\r\n",
                "QUIT", "221 2.0.0 bye\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            RecipientOutcome outcome = deliver(server);

            assertThat(outcome.result()).isEqualTo(Result.BOUNCED);
            assertThat(outcome.relayedWithoutDsn()).isFalse();
        }
    }

    private static ScriptedSmtpServer server(String ehloReply) throws Exception {
        return new ScriptedSmtpServer("220 scripted ESMTP\r\n", Map.of(
                "EHLO", ehloReply,
                "MAIL", "250 2.1.0 ok\r\n",
                "RCPT", "250 2.1.5 ok\r\n",
                "DATA", "354 go ahead\r\n",
                ".", "250 2.0.0 queued as X2\r\n",
                "QUIT", "221 2.0.0 bye\r\n"));
    }

    private RecipientOutcome deliver(ScriptedSmtpServer server) throws Exception {
        agents.start(deliveryConfig().smartHost("127.0.0.1", server.port()).build());
        DeliveryRequest request = DeliveryRequests.request(List.of("a@example.org"), "example.org", TlsLevel.MAY,
                "Subject: x\r\n\r\nx\r\n", new TransactionOptions(false, false, "FULL", "order+3D42"),
                List.of(new DsnRequest(EnumSet.of(DsnRequest.Notify.SUCCESS, DsnRequest.Notify.FAILURE),
                        "rfc822;a@example.org")));
        return agents.deliver(request).byRecipient().get("a@example.org");
    }
}
