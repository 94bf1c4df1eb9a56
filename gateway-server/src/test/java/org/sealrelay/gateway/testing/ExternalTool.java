package org.sealrelay.gateway.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs real client programs (swaks, python3, gpg, openssl) from tests. A missing tool skips the
 * test on a developer machine but fails it in CI (environment variable CI=true), where
 * {@code .ci/run} installs every tool the suite needs.
 */
public final class ExternalTool {
    /** Exit status and combined output of a finished process. */
    public record Result(int exitCode, String output) {
    }

    private ExternalTool() {
    }

    /** Returns the tool's path, or skips (fails in CI) when it is not on PATH. */
    public static Path require(String name) {
        Path found = find(name);
        if (found == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(name + " is not installed; .ci/run must install it");
            }
            assumeTrue(false, name + " is not installed; skipping (install it to run this test)");
        }
        return found;
    }

    private static Path find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs a command with no standard input and waits for it.
     *
     * @throws AssertionError if it runs longer than the timeout; the process is killed first
     */
    public static Result run(List<String> command, Path workingDirectory, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile(workingDirectory, "tool", ".out");
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command.get(0) + " did not finish within " + timeoutSeconds + " s:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
