package org.sealrelay.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throwaway GnuPG home for one test class. {@link #close()} stops the gpg-agent that gpg
 * started for this home only (gpgconf --kill with this --homedir).
 */
public final class GpgHome implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path home;

    public GpgHome(Path home) throws IOException {
        this.home = home;
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    }

    /** Runs gpg in batch mode without a passphrase prompt; fails the test on a non-zero exit. */
    public ExternalTool.Result gpg(byte[] stdin, String... arguments) throws IOException, InterruptedException {
        ExternalTool.Result result = gpgAllowingFailure(stdin, arguments);
        assertThat(result.exitCode()).as("gpg %s exit code; stderr: %s", List.of(arguments), result.stderr()).isZero();
        return result;
    }

    public ExternalTool.Result gpgAllowingFailure(byte[] stdin, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                "--pinentry-mode", "loopback", "--passphrase", ""));
        command.addAll(List.of(arguments));
        return ExternalTool.run(command, stdin, Map.of(), TIMEOUT);
    }

    /**
     * Generates a key without passphrase.
     *
     * @param algorithm "future-default" for ed25519 with a cv25519 subkey, or e.g. "ed25519"
     * @param usage "default", "sign", "encr"
     * @param expire "1y", "never", or an ISO date
     */
    public void generateKey(String userId, String algorithm, String usage, String expire, String... extra)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of(extra));
        arguments.addAll(List.of("--quick-gen-key", userId, algorithm, usage, expire));
        gpg(new byte[0], arguments.toArray(String[]::new));
    }

    public byte[] exportPublic(String userId) throws IOException, InterruptedException {
        return gpg(new byte[0], "--armor", "--export", userId).stdout();
    }

    public byte[] exportSecret(String userId) throws IOException, InterruptedException {
        return gpg(new byte[0], "--armor", "--export-secret-keys", userId).stdout();
    }

    public String fingerprint(String userId) throws IOException, InterruptedException {
        String listing = gpg(new byte[0], "--with-colons", "--list-keys", userId).stdoutText();
        for (String line : listing.split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new AssertionError("no fingerprint for " + userId);
    }

    public Path path() {
        return home;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ExternalTool.run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"),
                new byte[0], Map.of(), TIMEOUT);
    }
}
