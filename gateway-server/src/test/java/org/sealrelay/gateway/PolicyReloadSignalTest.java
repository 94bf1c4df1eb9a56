package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.testing.GatewayProcesses.freePort;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.GatewayProcesses;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/** SIGHUP rereads the policy file of a running gateway process; a broken file changes nothing. */
class PolicyReloadSignalTest {
    private static final String ACCEPT_ALL = "default:\n  deliver: [tls-encrypt]\n";
    private static final String REJECT_ALL = "default:\n  reject: {code: 550, enhanced-code: 5.7.1, text: Closed for review}\n";

    @TempDir
    Path directory;

    @RegisterExtension
    final GatewayProcesses processes = new GatewayProcesses();

    private Process gateway;

    @Test
    void sighupReloadsPolicy() throws Exception {
        int port = freePort();
        Path policy = directory.resolve("policy.yaml");
        Files.writeString(policy, ACCEPT_ALL);
        Path config = directory.resolve("sealrelay.yaml");
        Files.writeString(config, TestGateways.yaml(directory, port, freePort(), "encrypt")
                + "policy:\n  file: " + policy + "\n");
        Path log = directory.resolve("gateway.log");
        gateway = processes.start(config, log);
        GatewayProcesses.awaitListening(gateway, port, log);

        assertThat(send(port)).startsWith("250 2.0.0 Ok: queued as ");

        Files.writeString(policy, "default: [unclosed\n");
        hangUp();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("policy reload failed"));
        assertThat(send(port)).startsWith("250 2.0.0 Ok: queued as ");

        Files.writeString(policy, REJECT_ALL);
        hangUp();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("policy reloaded, 0 rule(s)"));
        assertThat(send(port)).isEqualTo("550 5.7.1 Closed for review\r\n");
    }

    private void hangUp() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(gateway.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static String send(int port) throws IOException {
        return SmtpTestClient.submit(new InetSocketAddress("127.0.0.1", port), "a@clinic.example",
                List.of("b@lab.example"), "Subject: reload\r\n\r\nx\r\n");
    }
}
