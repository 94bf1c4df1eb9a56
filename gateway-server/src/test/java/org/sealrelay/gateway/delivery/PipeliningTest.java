package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.testing.ScriptedSmtpServer;
import org.sealrelay.policy.TlsLevel;

/** The MAIL FROM, RCPT TO and DATA group of RFC 2920 against a scripted loopback server. */
class PipeliningTest {
    private static final Map<String, String> SCRIPT = Map.of(
            "EHLO", "250-scripted\r\n250 PIPELINING\r\n",
            "MAIL", "250 2.1.0 ok\r\n",
            "RCPT", "250 2.1.5 ok\r\n",
            "DATA", "354 go ahead\r\n",
            ".", "250 2.0.0 queued\r\n",
            "QUIT", "221 2.0.0 bye\r\n");

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    @Test
    void dataIsSentBeforeRcptReply() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        // The server replies to RCPT only after it has read DATA, so a client that waits for the
        // RCPT reply before DATA times out.
        replies.remove("RCPT");
        replies.put("DATA", "250 2.1.5 ok\r\n354 go ahead\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("250 2.0.0 queued");
            assertThat(server.commands()).containsSubsequence("MAIL FROM:<sender@example.com>",
                    "RCPT TO:<a@example.org>", "DATA", "Subject: pipelined", ".");
        }
    }

    @Test
    void rejectedRecipientsEndBeforeContent() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("RCPT", "550 5.1.1 unknown user\r\n");
        replies.put("DATA", "554 5.5.1 no valid recipients\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org", "b@example.org"));

            for (String recipient : List.of("a@example.org", "b@example.org")) {
                assertThat(outcome.byRecipient().get(recipient).result()).isEqualTo(Result.BOUNCED);
                assertThat(outcome.byRecipient().get(recipient).reply()).isEqualTo("550 5.1.1 unknown user");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).containsSubsequence("RCPT TO:<a@example.org>", "RCPT TO:<b@example.org>",
                    "DATA", "QUIT");
            assertThat(server.commands()).doesNotContain("Subject: pipelined", ".");
        }
    }

    @Test
    void dataAcceptedWithoutRecipientsSendsNoContent() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("RCPT", "550 5.1.1 unknown user\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("550 5.1.1 unknown user");
            assertThat(server.commands()).endsWith("DATA");
        }
    }

    @Test
    void partialAcceptanceSendsContentOnce() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org", "b@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.byRecipient().get("b@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(server.commands()).filteredOn(command -> command.equals("DATA")).hasSize(1);
            assertThat(server.commands()).filteredOn(command -> command.equals(".")).hasSize(1);
        }
    }
    @Test
    void rejectedMailDecidesEveryRecipient() throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("MAIL", "550 5.7.1 sender rejected\r\n");
        replies.put("RCPT", "503 5.5.1 MAIL first\r\n");
        replies.put("DATA", "503 5.5.1 MAIL first\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org", "b@example.org"));

            for (String recipient : List.of("a@example.org", "b@example.org")) {
                assertThat(outcome.byRecipient().get(recipient).result()).isEqualTo(Result.BOUNCED);
                assertThat(outcome.byRecipient().get(recipient).reply()).isEqualTo("550 5.7.1 sender rejected");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.commands().contains("QUIT"));
            assertThat(server.commands()).containsSubsequence("MAIL FROM:<sender@example.com>",
                    "RCPT TO:<a@example.org>", "RCPT TO:<b@example.org>", "DATA", "QUIT");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ScriptedSmtpServer.CLOSE, "421 4.7.0 closing\r\n"})
    void rejectedMailDecidesBeforeSessionEnds(String rcptReply) throws Exception {
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("MAIL", "550 5.7.1 sender rejected\r\n");
        replies.put("RCPT", rcptReply);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("550 5.7.1 sender rejected");
        }
    }

    @Test
    void rejectedMailSendsNoQuitAsContent() throws Exception {
        // A broken server that rejects MAIL but replies 354 to the pipelined DATA would take a
        // QUIT sent before that reply for message content.
        Map<String, String> replies = new HashMap<>(SCRIPT);
        replies.put("MAIL", "451 4.3.0 try later\r\n");
        replies.put("RCPT", "503 5.5.1 MAIL first\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agents.start(config(server.port()));

            DeliveryOutcome outcome = deliver(List.of("a@example.org"));

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DEFERRED);
            assertThat(outcome.byRecipient().get("a@example.org").reply()).isEqualTo("451 4.3.0 try later");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> !server.commands().contains("QUIT"));
            assertThat(server.commands()).endsWith("DATA");
        }
    }


    private DeliveryOutcome deliver(List<String> recipients) throws Exception {
        return agents.deliver(DeliveryRequests.request(recipients, "example.org", TlsLevel.MAY,
                "Subject: pipelined\r\n\r\nbody\r\n"));
    }

    private static DeliveryConfig config(int port) {
        // A short command timeout makes a client that waits for the RCPT reply fail fast.
        return deliveryConfig().smartHost("127.0.0.1", port).commandTimeout(Duration.ofSeconds(3)).build();
    }
}
