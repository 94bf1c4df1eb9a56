package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.Messages;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * Kills the gateway process with SIGKILL after the 250 and before delivery, restarts it, and
 * checks that the message is delivered: the 250 promised it was on disk.
 */
class CrashRecoveryTest {
    @TempDir
    Path directory;

    private Process gatewayProcess;

    @AfterEach
    void stopProcess() throws InterruptedException {
        if (gatewayProcess != null && gatewayProcess.isAlive()) {
            gatewayProcess.destroyForcibly();
            gatewayProcess.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void acceptedMessageSurvivesSigkill() throws Exception {
        int listenPort = freePort();
        int nextHopPort = freePort();
        Path config = directory.resolve("sealrelay.yaml");
        Files.writeString(config, TestGateways.yaml(directory, listenPort, nextHopPort, "encrypt"));
        String body = "Subject: survives a crash\r\n\r\nMRN 00123456\r\n";

        gatewayProcess = startGateway(config, directory.resolve("first.log"));
        awaitListening(listenPort, gatewayProcess, directory.resolve("first.log"));
        String reply;
        try (SmtpTestClient client = new SmtpTestClient(new InetSocketAddress("127.0.0.1", listenPort))) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<sender@clinic.example>");
            client.command("RCPT TO:<recipient@lab.example>");
            client.command("DATA");
            client.sendRaw(body + ".\r\n");
            reply = client.readReply();
        }
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        gatewayProcess.destroyForcibly();
        assertThat(gatewayProcess.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gatewayProcess.exitValue()).as("exit status after SIGKILL").isEqualTo(137);

        try (NextHopServer nextHop = NextHopServer.onPort(nextHopPort, true)) {
            gatewayProcess = startGateway(config, directory.resolve("second.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> nextHop.received().size() == 1);
            byte[] delivered = nextHop.received().get(0).data();
            assertThat(new String(Messages.withoutFirstReceived(delivered), StandardCharsets.ISO_8859_1)).isEqualTo(body);
            assertThat(nextHop.received().get(0).overTls()).isTrue();
        }
        gatewayProcess.destroy();
        assertThat(gatewayProcess.waitFor(20, TimeUnit.SECONDS)).as("graceful stop on SIGTERM").isTrue();
        assertThat(Files.readString(directory.resolve("second.log"))).contains("recovered from the spool");
    }

    private Process startGateway(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.sealrelay.gateway.cli.SealRelayCommand", "run", "--config", config.toString());
        return new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitListening(int port, Process process, Path log) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("gateway exited early:\n" + Files.readString(log));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
