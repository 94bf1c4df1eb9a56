package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.testing.GatewayProcesses.freePort;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.GatewayProcesses;
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

    @RegisterExtension
    final GatewayProcesses processes = new GatewayProcesses();

    private Process gatewayProcess;

    @Test
    void acceptedMessageSurvivesSigkill() throws Exception {
        int listenPort = freePort();
        int nextHopPort = freePort();
        Path config = directory.resolve("sealrelay.yaml");
        Files.writeString(config, TestGateways.yaml(directory, listenPort, nextHopPort, "encrypt"));
        String body = "Subject: survives a crash\r\n\r\nMRN 00123456\r\n";

        gatewayProcess = processes.start(config, directory.resolve("first.log"));
        GatewayProcesses.awaitListening(gatewayProcess, listenPort, directory.resolve("first.log"));
        String reply = SmtpTestClient.submit(new InetSocketAddress("127.0.0.1", listenPort), "sender@clinic.example",
                List.of("recipient@lab.example"), body);
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        gatewayProcess.destroyForcibly();
        assertThat(gatewayProcess.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(gatewayProcess.exitValue()).as("exit status after SIGKILL").isEqualTo(137);

        try (NextHopServer nextHop = NextHopServer.onPort(nextHopPort, true)) {
            gatewayProcess = processes.start(config, directory.resolve("second.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> nextHop.received().size() == 1);
            byte[] delivered = nextHop.received().get(0).data();
            assertThat(new String(Messages.withoutFirstReceived(delivered), StandardCharsets.ISO_8859_1)).isEqualTo(body);
            assertThat(nextHop.received().get(0).overTls()).isTrue();
        }
        gatewayProcess.destroy();
        assertThat(gatewayProcess.waitFor(20, TimeUnit.SECONDS)).as("graceful stop on SIGTERM").isTrue();
        assertThat(Files.readString(directory.resolve("second.log"))).contains("recovered from the spool");
    }
}
