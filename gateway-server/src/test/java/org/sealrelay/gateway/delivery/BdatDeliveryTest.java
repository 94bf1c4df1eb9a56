package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.ScriptedSmtpServer;
import org.sealrelay.policy.TlsLevel;

/** BDAT (RFC 3030) against SubEthaSMTP, which offers CHUNKING without PIPELINING, and a scripted server. */
class BdatDeliveryTest {
    private static final Map<String, String> SCRIPT = Map.of(
            "EHLO", "250-scripted\r\n250-PIPELINING\r\n250 CHUNKING\r\n",
            "MAIL", "250 2.1.0 ok\r\n",
            "RCPT", "250 2.1.5 ok\r\n",
            "BDAT", "250 2.0.0 chunk ok\r\n",
            "QUIT", "221 2.0.0 bye\r\n");

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    @Test
    void multiChunkMessageArrivesIntact() throws Exception {
        StringBuilder content = new StringBuilder("Subject: large\r\n\r\n");
        for (int i = 0; i < 4000; i++) {
            content.append(i % 7 == 0 ? ".dotted line " : "line ").append(i).append("\r\n");
        }
        try (NextHopServer server = NextHopServer.withoutStartTls()) {
            agents.start(config("localhost", server.port()));

            DeliveryOutcome outcome = deliver(content.toString(), List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(server.received()).hasSize(1);
            assertThat(server.received().get(0).data()).isEqualTo(content.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void pipelinedChunksUseLastFlag() throws Exception {
        // Lines of 64 octets align with the 64 KiB chunks, so the scripted server reads each
        // BDAT command as a line of its own.
        String line = "x".repeat(62) + "\r\n";
        String content = line.repeat(2560);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", SCRIPT)) {
            agents.start(config("127.0.0.1", server.port()));

            DeliveryOutcome outcome = deliver(content, List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("250 2.0.0 chunk ok");
            assertThat(server.commands()).filteredOn(command -> command.startsWith("BDAT"))
                    .containsExactly("BDAT 65536", "BDAT 65536", "BDAT 32768 LAST");
            assertThat(server.commands()).doesNotContain("DATA");
        }
    }

    @Test
    void chunksWaitForRepliesWithoutPipelining() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("EHLO", "250-scripted\r\n250 CHUNKING\r\n");
        String content = ("y".repeat(62) + "\r\n").repeat(1500);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port()));

            DeliveryOutcome outcome = deliver(content, List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(server.commands()).filteredOn(command -> command.startsWith("BDAT"))
                    .containsExactly("BDAT 65536", "BDAT 30464 LAST");
        }
    }

    @Test
    void rejectedChunkDecidesRecipients() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("BDAT", "552 5.3.4 message too big\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port()));

            DeliveryOutcome outcome = deliver("Subject: x\r\n\r\nbody\r\n", List.of("a@example.org", "b@example.org"));

            for (String recipient : List.of("a@example.org", "b@example.org")) {
                assertThat(outcome.byRecipient().get(recipient).result()).isEqualTo(Result.BOUNCED);
                assertThat(outcome.byRecipient().get(recipient).reply()).isEqualTo("552 5.3.4 message too big");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
        }
    }

    @Test
    void rejectedRecipientsSendNoChunk() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("RCPT", "550 5.1.1 unknown user\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config("127.0.0.1", server.port()));

            DeliveryOutcome outcome = deliver("Subject: x\r\n\r\nbody\r\n", List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).noneMatch(command -> command.startsWith("BDAT") || command.equals("DATA"));
            assertThat(server.commands()).doesNotContain("Subject: x");
        }
    }

    private DeliveryOutcome deliver(String content, List<String> recipients) throws Exception {
        return agents.deliver(DeliveryRequests.request(recipients, "example.org", TlsLevel.MAY, content));
    }

    private static DeliveryConfig config(String host, int port) {
        return deliveryConfig().smartHost(host, port).build();
    }
}
