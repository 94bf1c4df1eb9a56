package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * Puts the spool on a 3 MiB tmpfs of its own, fills it, and checks that clients get 452 4.3.1,
 * that every message accepted before is still delivered, and that accepting resumes by itself
 * once deliveries have freed space. Mounting needs root, which CI has; elsewhere the test skips.
 */
class DiskFullTest {
    @TempDir
    Path directory;

    private Path mountPoint;
    private boolean mounted;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        mountPoint = directory.resolve("small");
        Files.createDirectories(mountPoint);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        boolean finished = mount.waitFor(20, TimeUnit.SECONDS);
        mounted = finished && mount.exitValue() == 0;
        if (!mounted && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("cannot mount a tmpfs in CI: " + new String(mount.getInputStream().readAllBytes()));
        }
        assumeTrue(mounted, "mounting a tmpfs needs root; skipping");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void fullSpoolGives452AndRecovers() throws Exception {
        int nextHopPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nextHopPort = probe.getLocalPort();
        }
        String yaml = TestGateways.yaml(directory, 0, nextHopPort, "encrypt")
                .replace("directory: " + directory.resolve("spool"), "directory: " + mountPoint.resolve("spool"));
        String body = "Subject: fill\r\n\r\n" + ("x".repeat(98) + "\r\n").repeat(5_000);
        List<String> accepted = new ArrayList<>();
        String refusal = null;
        try (Gateway gateway = Gateway.start(ConfigLoader.parse("test.yaml", yaml))) {
            InetSocketAddress address = gateway.listenAddresses().get(0);
            for (int i = 0; i < 20 && refusal == null; i++) {
                String reply = send(address, body);
                if (reply.startsWith("250 ")) {
                    accepted.add(reply);
                } else {
                    refusal = reply;
                }
            }
            assertThat(accepted).as("messages accepted before the disk filled").isNotEmpty();
            assertThat(refusal).isEqualTo("452 4.3.1 Insufficient system storage, try again later\r\n");
            assertThat(gateway.queueManager().size()).isEqualTo(accepted.size());

            try (NextHopServer nextHop = NextHopServer.onPort(nextHopPort, true)) {
                gateway.queueManager().flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> nextHop.received().size() == accepted.size());
                for (NextHopServer.Received received : nextHop.received()) {
                    assertThat(new String(received.data(), java.nio.charset.StandardCharsets.ISO_8859_1)).endsWith(body);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
                assertThat(send(address, body)).startsWith("250 2.0.0 Ok: queued as ");
                await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == accepted.size() + 1);
            }
        }
    }

    private static String send(InetSocketAddress address, String body) throws IOException {
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@clinic.example>");
            client.command("RCPT TO:<b@lab.example>");
            client.command("DATA");
            client.sendRaw(body + ".\r\n");
            return client.readReply();
        }
    }
}
