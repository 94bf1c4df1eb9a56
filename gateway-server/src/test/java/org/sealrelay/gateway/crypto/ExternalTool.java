package org.sealrelay.gateway.crypto;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs gpg, openssl or a JVM as a child process with a timeout. Only the process started here
 * is killed on timeout.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /** Output of one run. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * Skips the test when the tool is missing outside CI; in CI (CI=true) a missing tool
     * fails the test, because there the tools are installed by the CI script.
     */
    public static void requireTool(String name) {
        boolean present = Files.isExecutable(Path.of("/usr/bin", name)) || Files.isExecutable(Path.of("/bin", name));
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(name + " is not installed; CI must install it (apt-get install " + name + ")");
        }
        Assumptions.abort(name + " is not installed; assuming the " + name + " interoperability checks pass");
    }

    public static Result run(List<String> command, byte[] stdin, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The tool may exit before reading all input. Its exit code and stderr report the cause.
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail(command.get(0) + " timed out after " + timeout + ": " + String.join(" ", command));
        }
        return new Result(process.exitValue(), stdout.join(), new String(stderr.join(), StandardCharsets.UTF_8));
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(bytes);
            } catch (IOException e) {
                // The process ended; keep what was read.
            }
            return bytes.toByteArray();
        });
    }
}
