package org.sealrelay.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.tls.ServerTls;

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
                    .isEqualTo("UnexpectedReplyException: after MAIL FROM: expected 250; got '530 Must issue a STARTTLS command first'");
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

    private CountingSink startSink(boolean requireTls) throws Exception {
        Path certificate = directory.resolve("sink.crt");
        Path key = directory.resolve("sink.key");
        ServerTls.loadOrCreate(certificate, key, "sink.bench.example");
        CountingSink sink = new CountingSink(0, CountingSink.serverContext(certificate, key), requireTls);
        sink.start();
        return sink;
    }

    private static Map<String, Object> run(int port, String... arguments) throws Exception {
        String[] all = new String[arguments.length + 4];
        all[0] = "--port";
        all[1] = Integer.toString(port);
        all[2] = "--timeout";
        all[3] = "15";
        System.arraycopy(arguments, 0, all, 4, arguments.length);
        return new SmtpLoadGenerator(LoadOptions.parse(all)).run();
    }
}
