package org.sealrelay.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that runs {@code sealrelay run} in child JVMs, for tests that signal or kill
 * the gateway process. After each test, passed or failed, it kills every process it started
 * that is still alive and waits for it to exit. Register it with
 * {@code @RegisterExtension final GatewayProcesses processes = new GatewayProcesses();}.
 */
public final class GatewayProcesses implements AfterEachCallback {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final List<Process> started = new ArrayList<>();

    /**
     * Starts {@code sealrelay run --config config} with this JVM's class path, in the config
     * file's folder, with standard output and standard error written to {@code log}.
     */
    public Process start(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.sealrelay.gateway.cli.SealRelayCommand", "run", "--config", config.toString());
        Process process = new ProcessBuilder(command)
                .directory(config.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        started.add(process);
        return process;
    }

    /**
     * Waits up to 60 seconds until 127.0.0.1:{@code port} accepts a connection.
     *
     * @throws AssertionError with the process's log if the process exits first
     */
    public static void awaitListening(Process process, int port, Path log) {
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("gateway exited early with status " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Returns a loopback port that was free a moment ago, for a child process's listener whose
     * port the test must know before it starts.
     */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        started.clear();
    }
}
