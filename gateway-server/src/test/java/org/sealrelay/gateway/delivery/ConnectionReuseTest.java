package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.delivery.DeliveryConfigBuilder.deliveryConfig;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.config.ConnectionReuseConfig;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.ScriptedSmtpServer;
import org.sealrelay.policy.TlsLevel;

/** Connection reuse against real loopback next hops: SubEthaSMTP, or a scripted socket for faults. */
class ConnectionReuseTest {
    private static final Map<String, String> SCRIPT = Map.of(
            "EHLO", "250-scripted\r\n250 PIPELINING\r\n",
            "MAIL", "250 2.1.0 ok\r\n",
            "RCPT", "250 2.1.5 ok\r\n",
            "DATA", "354 go ahead\r\n",
            ".", "250 2.0.0 queued\r\n",
            "RSET", "250 2.0.0 reset\r\n",
            "QUIT", "221 2.0.0 bye\r\n");

    @RegisterExtension
    final DeliveryAgentFixture agents = new DeliveryAgentFixture();

    private SmtpDeliveryAgent agent;


    @Test
    void tenMessagesShareOneConnection() throws Exception {
        try (NextHopServer server = NextHopServer.withStartTls(); LogCapture logs = new LogCapture()) {
            agent = agents.start(config("localhost", server.port(), new ConnectionReuseConfig(
                    Duration.ofSeconds(5), 100)));

            for (int i = 0; i < 10; i++) {
                DeliveryOutcome outcome = deliver(request(TlsLevel.ENCRYPT, content(i)));
                assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
                assertThat(outcome.tlsProtocol()).isIn("TLSv1.2", "TLSv1.3");
            }

            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.received()).hasSize(10);
            for (int i = 0; i < 10; i++) {
                NextHopServer.Received received = server.received().get(i);
                assertThat(received.data()).isEqualTo(content(i).getBytes(StandardCharsets.UTF_8));
                assertThat(received.overTls()).isTrue();
            }
            assertThat(logs.lines()).filteredOn(line -> line.contains("reusing cached connection")).hasSize(9);
            assertThat(logs.lines()).anyMatch(line -> line.endsWith(
                    " nextHop=localhost[127.0.0.1]:" + server.port() + " reusing cached connection for message 10 of at most 100"));
        }
    }

    @Test
    void connectionClosesAtMessageLimit() throws Exception {
        try (NextHopServer server = NextHopServer.withStartTls()) {
            agent = agents.start(config("localhost", server.port(), new ConnectionReuseConfig(
                    Duration.ofSeconds(5), 3)));

            for (int i = 0; i < 5; i++) {
                DeliveryOutcome outcome = deliver(request(TlsLevel.ENCRYPT, content(i)));
                assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            }

            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.received()).hasSize(5);
            assertThat(agent.connectionCache().size()).isEqualTo(1);
        }
    }

    @Test
    void encryptConnectionNotReusedForVerify() throws Exception {
        try (NextHopServer server = NextHopServer.withStartTls()) {
            agent = agents.start(config("localhost", server.port(), new ConnectionReuseConfig(
                    Duration.ofSeconds(5), 100)));
            DeliveryOutcome first = deliver(request(TlsLevel.ENCRYPT, content(1)));
            assertThat(first.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(first.peerVerified()).isFalse();

            DeliveryOutcome second = deliver(request(TlsLevel.VERIFY, content(2)));

            RecipientOutcome result = second.byRecipient().get("a@example.org");
            assertThat(result.result()).isEqualTo(Result.DEFERRED);
            assertThat(result.reply()).startsWith("4.7.5 TLS handshake with localhost[127.0.0.1]:" + server.port()
                    + " failed at level verify");
            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.received()).hasSize(1);
            assertThat(agent.connectionCache().size()).isEqualTo(1);
        }
    }

    @Test
    void rsetAnswered421RetriesOnNewConnection() throws Exception {
        Map<String, String> replies = new java.util.HashMap<>(SCRIPT);
        replies.put("RSET", "421 4.3.2 shutting down\r\n");
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agent = agents.start(config("127.0.0.1", server.port(), new ConnectionReuseConfig(
                    Duration.ofSeconds(5), 100)));
            assertThat(deliver(request(TlsLevel.MAY, content(1))).byRecipient().get("a@example.org").result())
                    .isEqualTo(Result.DELIVERED);

            DeliveryOutcome second = deliver(request(TlsLevel.MAY, content(2)));

            assertThat(second.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(second.byRecipient().get("a@example.org").reply()).isEqualTo("250 2.0.0 queued");
            assertThat(server.commands()).filteredOn(command -> command.startsWith("EHLO")).hasSize(2);
            assertThat(server.commands()).containsSubsequence("RSET", "QUIT", "EHLO relay.test",
                    "MAIL FROM:<sender@example.com>");
            assertThat(server.commands()).filteredOn(command -> command.startsWith("MAIL")).hasSize(2);
        }
    }

    @Test
    void connectionClosedAtRsetRetriesOnNewConnection() throws Exception {
        Map<String, String> replies = new java.util.HashMap<>(SCRIPT);
        replies.put("RSET", ScriptedSmtpServer.CLOSE);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies)) {
            agent = agents.start(config("127.0.0.1", server.port(), new ConnectionReuseConfig(
                    Duration.ofSeconds(5), 100)));
            assertThat(deliver(request(TlsLevel.MAY, content(1))).byRecipient().get("a@example.org").result())
                    .isEqualTo(Result.DELIVERED);

            DeliveryOutcome second = deliver(request(TlsLevel.MAY, content(2)));

            assertThat(second.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(server.commands()).filteredOn(command -> command.startsWith("EHLO")).hasSize(2);
            assertThat(server.commands()).filteredOn(command -> command.startsWith("MAIL")).hasSize(2);
        }
    }

    @Test
    void rejectedMailOnReusedConnectionIsNotRetried() throws Exception {
        // The second MAIL is rejected and the server closes on the RCPT that follows it: the
        // rejection decides, so the message is not sent again on a new connection.
        AtomicInteger mails = new AtomicInteger();
        ScriptedSmtpServer.Script script = line -> {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if (verb.equals("MAIL") && mails.incrementAndGet() == 2) {
                return "550 5.7.1 sender rejected\r\n";
            }
            if (verb.equals("RCPT") && mails.get() == 2) {
                return ScriptedSmtpServer.CLOSE;
            }
            return SCRIPT.get(verb);
        };
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", 0, script)) {
            agent = agents.start(config("127.0.0.1", server.port(), new ConnectionReuseConfig(
                    Duration.ofSeconds(5), 100)));
            assertThat(deliver(request(TlsLevel.MAY, content(1))).byRecipient().get("a@example.org").result())
                    .isEqualTo(Result.DELIVERED);

            DeliveryOutcome second = deliver(request(TlsLevel.MAY, content(2)));

            assertThat(second.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(second.byRecipient().get("a@example.org").reply()).isEqualTo("550 5.7.1 sender rejected");
            assertThat(server.connections()).isEqualTo(1);
            assertThat(mails.get()).isEqualTo(2);
        }
    }

    @Test
    void idleConnectionEndsWithQuit() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", SCRIPT)) {
            deliverOneAndAwaitIdleQuit(server);

            assertThat(server.commands()).doesNotContain("RSET");
        }
    }

    @Test
    void resetAfterIdleQuitClosesQuietly() throws Exception {
        Map<String, String> replies = new java.util.HashMap<>(SCRIPT);
        replies.put("QUIT", ScriptedSmtpServer.RESET);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", replies);
                LogCapture logs = new LogCapture()) {
            deliverOneAndAwaitIdleQuit(server);

            // The reset reaches the client a moment after QUIT; give its exception time to be handled.
            Thread.sleep(300);
            assertThat(logs.lines()).noneMatch(line -> line.contains("NullPointerException"));
            assertThat(logs.lines()).noneMatch(line -> line.contains("exceptionCaught"));
            assertThat(logs.lines()).noneMatch(line -> line.contains(" ERROR "));
        }
    }

    @Test
    void smtpUtf8MessageSkipsConnectionWithoutIt() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted ESMTP\r\n", SCRIPT)) {
            agent = agents.start(config("127.0.0.1", server.port(), new ConnectionReuseConfig(
                    Duration.ofMillis(300), 100)));
            assertThat(deliver(request(TlsLevel.MAY, content(1))).byRecipient().get("a@example.org").result())
                    .isEqualTo(Result.DELIVERED);
            DeliveryRequest utf8 = DeliveryRequests.request(List.of("a@example.org"), "example.org", TlsLevel.MAY,
                    content(2), new TransactionOptions(true, false, "", ""), List.of(DsnRequest.DEFAULT));

            DeliveryOutcome second = deliver(utf8);

            // A new connection decides, and this next hop offers no SMTPUTF8 there either.
            assertThat(second.byRecipient().get("a@example.org").result()).isEqualTo(Result.BOUNCED);
            assertThat(second.byRecipient().get("a@example.org").reply()).startsWith("5.6.7 ");
            assertThat(server.commands()).doesNotContain("RSET");
            assertThat(server.commands()).filteredOn(command -> command.startsWith("EHLO")).hasSize(2);
        }
    }

    /** Delivers one message over a connection kept idle for 200 ms, then waits for its QUIT and removal. */
    private void deliverOneAndAwaitIdleQuit(ScriptedSmtpServer server) throws Exception {
        agent = agents.start(config("127.0.0.1", server.port(), new ConnectionReuseConfig(Duration.ofMillis(200), 100)));

        DeliveryOutcome outcome = deliver(request(TlsLevel.MAY, content(1)));

        assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.commands().contains("QUIT"));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.connectionCache().size() == 0);
    }

    private DeliveryOutcome deliver(DeliveryRequest request) throws Exception {
        return agents.deliver(request);
    }

    private static String content(int index) {
        return "Subject: message " + index + "\r\n\r\n.leading dot " + index + "\r\nlast line\r\n";
    }

    private static DeliveryRequest request(TlsLevel level, String content) {
        return DeliveryRequests.request(List.of("a@example.org"), "example.org", level, content);
    }

    private static DeliveryConfig config(String host, int port, ConnectionReuseConfig reuse) {
        return deliveryConfig().smartHost(host, port).connectionReuse(reuse).build();
    }
}
