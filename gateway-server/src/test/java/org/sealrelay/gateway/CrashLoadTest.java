package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealrelay.gateway.testing.GatewayProcesses.freePort;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.GatewayProcesses;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * Sends mail from several client threads while the gateway process is killed with SIGKILL at
 * random moments and restarted. Every message that got a 250 must reach the next hop;
 * duplicates are allowed only for deliveries that were in flight at a kill.
 */
class CrashLoadTest {
    private static final int CLIENTS = 4;
    private static final int KILLS = 3;
    private static final java.util.concurrent.atomic.AtomicReference<String> LAST_CLIENT_ERROR =
            new java.util.concurrent.atomic.AtomicReference<>("none");
    private static final Pattern MARKER = Pattern.compile("X-Load-Id: (\\d+)");

    @TempDir
    Path directory;

    @RegisterExtension
    final GatewayProcesses processes = new GatewayProcesses();

    private Process gatewayProcess;

    @Test
    void acknowledgedMessagesSurviveRepeatedKills() throws Exception {
        int listenPort = freePort();
        Random random = new Random(20261204L);
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger nextId = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);

        try (NextHopServer nextHop = NextHopServer.withStartTls()) {
            Path config = directory.resolve("sealrelay.yaml");
            Files.writeString(config, TestGateways.yaml(directory, listenPort, nextHop.port(), "encrypt"));
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                gatewayProcess = startGateway(config, 0);
                awaitListening(listenPort, 0);
                for (int i = 0; i < CLIENTS; i++) {
                    clients.submit(() -> sendUntilStopped(listenPort, nextId, acknowledged, sending));
                }
                for (int kill = 1; kill <= KILLS; kill++) {
                    Thread.sleep(1500 + random.nextInt(2500));
                    gatewayProcess.destroyForcibly();
                    assertThat(gatewayProcess.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    gatewayProcess = startGateway(config, kill);
                    awaitListening(listenPort, kill);
                }
                Thread.sleep(2000);
            } finally {
                sending.set(false);
                clients.shutdown();
                assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(acknowledged).as("messages acknowledged with 250; last client error: %s", LAST_CLIENT_ERROR.get())
                    .hasSizeGreaterThan(20);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    receivedIds(nextHop).keySet().containsAll(acknowledged));
            Map<Integer, Integer> counts = receivedIds(nextHop);
            long duplicates = counts.values().stream().filter(count -> count > 1).count();
            // At most the deliveries in flight at each kill repeat: 20 concurrent deliveries by default.
            assertThat(duplicates).as("messages delivered twice").isLessThanOrEqualTo(KILLS * 20L);
        }
    }

    private static void sendUntilStopped(int port, AtomicInteger nextId, Set<Integer> acknowledged, AtomicBoolean sending) {
        while (sending.get()) {
            int id = nextId.incrementAndGet();
            try (SmtpTestClient client = new SmtpTestClient(new InetSocketAddress("127.0.0.1", port))) {
                client.readReply();
                client.command("EHLO load.test");
                client.command("MAIL FROM:<load@clinic.example>");
                client.command("RCPT TO:<sink@lab.example>");
                client.command("DATA");
                client.sendRaw("X-Load-Id: " + id + "\r\nSubject: load " + id + "\r\n\r\n" + ("z".repeat(78) + "\r\n").repeat(25) + ".\r\n");
                if (client.readReply().startsWith("250 ")) {
                    acknowledged.add(id);
                }
            } catch (IOException e) {
                // The gateway was killed during this transaction: no 250, so nothing was promised.
                LAST_CLIENT_ERROR.set(e.toString());
                pause();
            }
        }
    }

    private static Map<Integer, Integer> receivedIds(NextHopServer nextHop) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (NextHopServer.Received received : nextHop.received()) {
            Matcher matcher = MARKER.matcher(new String(received.data(), StandardCharsets.ISO_8859_1));
            if (matcher.find()) {
                counts.merge(Integer.parseInt(matcher.group(1)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private Process startGateway(Path config, int generation) throws IOException {
        return processes.start(config, directory.resolve("gateway-" + generation + ".log"));
    }

    private void awaitListening(int port, int generation) {
        GatewayProcesses.awaitListening(gatewayProcess, port, directory.resolve("gateway-" + generation + ".log"));
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
