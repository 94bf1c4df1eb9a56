package org.sealrelay.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.ScriptedSmtpServer;

class SmtpLoadGeneratorTest {
    @TempDir
    Path directory;

    @Test
    void plainRunDeliversEveryMessage() throws Exception {
        try (NextHopServer server = NextHopServer.withoutStartTls()) {
            Map<String, Object> result = run(server.port(), "--count", "12", "--sessions", "4", "--size", "2048");

            assertThat(result.get("accepted")).isEqualTo(12);
            assertThat(result.get("failed")).isEqualTo(0);
            assertThat(result.get("sessions_opened")).isEqualTo(12);
            assertThat(result.get("tls_sessions")).isEqualTo(0);
            assertThat((List<?>) result.get("errors")).isEmpty();
            assertThat((Double) result.get("accept_p50_ms")).isPositive();
            assertThat((Double) result.get("accept_p99_ms")).isGreaterThanOrEqualTo((Double) result.get("accept_p50_ms"));
            assertThat((Double) result.get("durable_accept_per_second")).isPositive();
            assertThat(server.received()).hasSize(12);
            assertThat(server.received()).allSatisfy(message -> {
                assertThat(message.to()).isEqualTo("bench@plain.bench.example");
                assertThat(message.overTls()).isFalse();
            });
        }
    }

    @Test
    void startTlsRunSendsEveryMessageOverTls() throws Exception {
        try (NextHopServer server = NextHopServer.withStartTls()) {
            Map<String, Object> result = run(server.port(), "--count", "6", "--sessions", "3", "--size", "512",
                    "--starttls", "--to", "bench@tls.bench.example");

            assertThat(result.get("accepted")).isEqualTo(6);
            assertThat(result.get("failed")).isEqualTo(0);
            assertThat(result.get("tls_sessions")).isEqualTo(6);
            assertThat(server.received()).hasSize(6);
            assertThat(server.received()).allSatisfy(message -> assertThat(message.overTls()).isTrue());
        }
    }

    @Test
    void severalMessagesShareOneSession() throws Exception {
        try (NextHopServer server = NextHopServer.withoutStartTls()) {
            Map<String, Object> result = run(server.port(), "--count", "7", "--sessions", "1", "--size", "100",
                    "--messages-per-session", "3");

            assertThat(result.get("accepted")).isEqualTo(7);
            assertThat(result.get("sessions_opened")).isEqualTo(3);
            assertThat(server.received()).hasSize(7);
        }
    }

    @Test
    void refusedConnectionsCountAsFailed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Map<String, Object> result = run(closedPort, "--count", "3", "--sessions", "2", "--size", "100");

        assertThat(result.get("accepted")).isEqualTo(0);
        assertThat(result.get("failed")).isEqualTo(3);
        assertThat(result.get("accept_p50_ms")).isNull();
        assertThat((List<?>) result.get("errors")).first().asString().startsWith("ConnectException");
    }

    @Test
    void sinkRequiringTlsRejectsPlainClient() throws Exception {
        CountingSink sink = startSink(true);
        try {
            Map<String, Object> result = run(sink.port(), "--count", "2", "--sessions", "1", "--size", "100");

            assertThat(result.get("accepted")).isEqualTo(0);
            assertThat(result.get("failed")).isEqualTo(2);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("UnexpectedReplyException: after MAIL FROM: expected 250; got '530 5.7.0 Must issue a STARTTLS command first'");
            assertThat(sink.messages()).isZero();
        } finally {
            sink.stop();
        }
    }

    @Test
    void sinkCountsMessagesAndTlsMessages() throws Exception {
        CountingSink sink = startSink(false);
        try {
            run(sink.port(), "--count", "5", "--sessions", "2", "--size", "4096", "--starttls");
            run(sink.port(), "--count", "3", "--sessions", "2", "--size", "4096");

            assertThat(sink.messages()).isEqualTo(8);
            assertThat(sink.tlsMessages()).isEqualTo(5);
        } finally {
            sink.stop();
        }
    }

    @Test
    void rejectedRecipientFailsEveryMessage() throws Exception {
        String rejection = "550 5.1.1 <bench@plain.bench.example>: Recipient address rejected";
        try (ScriptedSmtpServer server = ScriptedSmtpServer.accepting(
                command -> command.startsWith("RCPT TO:") ? rejection + "\r\n" : null)) {
            Map<String, Object> result = run(server.port(), "--count", "7", "--sessions", "2", "--size", "100");

            assertThat(result.get("accepted")).isEqualTo(0);
            assertThat(result.get("failed")).isEqualTo(7);
            assertThat(result.get("sessions_opened")).isEqualTo(7);
            assertThat((List<?>) result.get("errors")).hasSize(5);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("UnexpectedReplyException: after RCPT TO: expected 250; got '" + rejection + "'");
            assertThat(server.messages()).isZero();
        }
    }

    @Test
    void connectionClosedBeforeReplyFailsMessage() throws Exception {
        ScriptedSmtpServer.Script closingAtEndOfData = command -> command.equals(".") ? ScriptedSmtpServer.CLOSE
                : ScriptedSmtpServer.standardReply(command);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted.test\r\n", 0, closingAtEndOfData)) {
            Map<String, Object> result = run(server.port(), "--count", "3", "--sessions", "1", "--size", "100");

            assertThat(result.get("accepted")).isEqualTo(0);
            assertThat(result.get("failed")).isEqualTo(3);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("EOFException: after end of data: connection closed by the server before the reply");
            assertThat(server.messages()).isEqualTo(3);
        }
    }

    @Test
    void connectionClosedAfterAcceptCountsMessage() throws Exception {
        ScriptedSmtpServer.Script closingOnQuit = command -> command.equals("QUIT") ? ScriptedSmtpServer.CLOSE
                : ScriptedSmtpServer.standardReply(command);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted.test\r\n", 0, closingOnQuit)) {
            Map<String, Object> result = run(server.port(), "--count", "2", "--sessions", "1", "--size", "100");

            assertThat(result.get("accepted")).isEqualTo(2);
            assertThat(result.get("failed")).isEqualTo(0);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("EOFException: after QUIT: connection closed by the server before the reply");
        }
    }

    @Test
    void multiLineRepliesAreRead() throws Exception {
        String ehloReply = "250-scripted.test greets source.bench.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
        ScriptedSmtpServer.Script script = command -> command.startsWith("EHLO") ? ehloReply
                : command.equals(".") ? "250-2.0.0 queued\r\n250 2.0.0 as 1234\r\n" : ScriptedSmtpServer.standardReply(command);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220-scripted.test ESMTP\r\n220 no UCE\r\n", 0, script)) {
            Map<String, Object> result = run(server.port(), "--count", "4", "--sessions", "1", "--size", "300",
                    "--messages-per-session", "2");

            assertThat(result.get("accepted")).isEqualTo(4);
            assertThat(result.get("failed")).isEqualTo(0);
            assertThat(result.get("sessions_opened")).isEqualTo(2);
            assertThat((List<?>) result.get("errors")).isEmpty();
            assertThat(server.messages()).isEqualTo(4);
        }
    }

    @Test
    void multiLineReplyEndingInErrorFails() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.accepting(
                command -> command.startsWith("EHLO") ? "250-scripted.test\r\n421 4.3.2 shutting down\r\n" : null)) {
            Map<String, Object> result = run(server.port(), "--count", "1", "--sessions", "1", "--size", "100");

            assertThat(result.get("failed")).isEqualTo(1);
            assertThat(result.get("sessions_opened")).isEqualTo(0);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("UnexpectedReplyException: after EHLO: expected 250; got '421 4.3.2 shutting down'");
        }
    }

    @Test
    void overlongReplyLineFails() throws Exception {
        String longLine = "250 " + "x".repeat(LoadSession.MAX_LINE) + "\r\n";
        try (ScriptedSmtpServer server = ScriptedSmtpServer.accepting(command -> command.startsWith("MAIL") ? longLine : null)) {
            Map<String, Object> result = run(server.port(), "--count", "1", "--sessions", "1", "--size", "100");

            assertThat(result.get("failed")).isEqualTo(1);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("UnexpectedReplyException: after MAIL FROM: reply line longer than 4096 octets");
        }
    }

    @Test
    void missingReplyTimesOut() throws Exception {
        try (ScriptedSmtpServer server = ScriptedSmtpServer.accepting(command -> command.equals(".") ? "" : null)) {
            long start = System.nanoTime();
            Map<String, Object> result = runWithTimeout(server.port(), 1, "--count", "2", "--sessions", "2", "--size", "100");

            assertThat(result.get("failed")).isEqualTo(2);
            assertThat((List<?>) result.get("errors")).first().asString()
                    .isEqualTo("SocketTimeoutException: after end of data: no reply within 1 s");
            assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
        }
    }

    @Test
    void sessionLimitBoundsOpenConnections() throws Exception {
        // The delayed greeting keeps every session open long enough for all to overlap.
        ScriptedSmtpServer.Script script = ScriptedSmtpServer::standardReply;
        try (ScriptedSmtpServer server = new ScriptedSmtpServer("220 scripted.test\r\n", 100, script)) {
            Map<String, Object> result = run(server.port(), "--count", "20", "--sessions", "5", "--size", "100");

            assertThat(result.get("accepted")).isEqualTo(20);
            assertThat(server.connections()).isEqualTo(20);
            assertThat(server.maxConcurrentConnections()).isEqualTo(5);
        }
    }

    @Test
    void twoHundredSessionsAllAccepted() throws Exception {
        try (NextHopServer server = NextHopServer.withoutStartTls()) {
            Map<String, Object> result = run(server.port(), "--count", "400", "--sessions", "200", "--size", "2048");

            assertThat((List<?>) result.get("errors")).isEmpty();
            assertThat(result.get("accepted")).isEqualTo(400);
            assertThat(result.get("failed")).isEqualTo(0);
            assertThat(result.get("sessions_opened")).isEqualTo(400);
            assertThat((List<?>) result.get("errors")).isEmpty();
            assertThat(server.received()).hasSize(400);
        }
    }

    @Test
    void hundredTlsSessionsAllAccepted() throws Exception {
        try (NextHopServer server = NextHopServer.withStartTls()) {
            Map<String, Object> result = run(server.port(), "--count", "100", "--sessions", "100", "--size", "2048",
                    "--starttls");

            assertThat((List<?>) result.get("errors")).isEmpty();
            assertThat(result.get("accepted")).isEqualTo(100);
            assertThat(result.get("failed")).isEqualTo(0);
            assertThat(result.get("tls_sessions")).isEqualTo(100);
            assertThat((List<?>) result.get("errors")).isEmpty();
            assertThat(server.received()).hasSize(100);
            assertThat(server.received()).allSatisfy(message -> assertThat(message.overTls()).isTrue());
        }
    }

    @Test
    void messageBytesArriveUnchanged() throws Exception {
        try (NextHopServer server = NextHopServer.withStartTls()) {
            run(server.port(), "--count", "3", "--sessions", "1", "--size", "40000", "--starttls",
                    "--messages-per-session", "3", "--content", "phi");

            List<byte[]> expected = BenchMessages.build(BenchMessages.Content.PHI, 40000, "load@source.bench.example",
                    "bench@plain.bench.example", 1);
            assertThat(server.received()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(server.received().get(i).data()).isEqualTo(expected.get(i));
            }
        }
    }

    private CountingSink startSink(boolean requireTls) throws Exception {
        return CountingSink.startWithTestCertificate(directory, requireTls);
    }

    private static Map<String, Object> run(int port, String... arguments) throws Exception {
        return runWithTimeout(port, 15, arguments);
    }

    private static Map<String, Object> runWithTimeout(int port, int timeoutSeconds, String... arguments) throws Exception {
        String[] all = new String[arguments.length + 4];
        all[0] = "--port";
        all[1] = Integer.toString(port);
        all[2] = "--timeout";
        all[3] = Integer.toString(timeoutSeconds);
        System.arraycopy(arguments, 0, all, 4, arguments.length);
        return new SmtpLoadGenerator(LoadOptions.parse(all)).run();
    }
}
