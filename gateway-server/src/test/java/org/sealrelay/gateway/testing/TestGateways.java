package org.sealrelay.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.sealrelay.gateway.smtp.auth.PasswordHash;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;

/** Builds gateway configurations in a test's temporary folder, with a listener on a free port. */
public final class TestGateways {
    private TestGateways() {
    }

    /**
     * Returns a configuration that relays to {@code 127.0.0.1:nextHopPort} at the given TLS
     * level, with a one-second initial retry delay so deferral tests stay short, and the admin
     * endpoint on a free port with its token file in {@code directory}.
     *
     * @param extraYaml more top-level settings (or an empty string)
     */
    public static GatewayConfig relayingTo(Path directory, int nextHopPort, String tlsLevel, String extraYaml)
            throws ConfigException {
        return ConfigLoader.parse("test.yaml", yaml(directory, 0, nextHopPort, tlsLevel) + extraYaml);
    }

    /** Returns the YAML text of {@link #relayingTo}, with the listener on {@code listenPort}. */
    public static String yaml(Path directory, int listenPort, int nextHopPort, String tlsLevel) {
        return """
                hostname: gateway.test
                listeners:
                  - name: smtp
                    address: 127.0.0.1:%d
                    relay-networks: [127.0.0.0/8]
                tls:
                  certificate: %s
                  private-key: %s
                spool:
                  directory: %s
                  key-file: %s
                delivery:
                  smart-host: 127.0.0.1:%d
                  default-tls-level: %s
                  connect-timeout: 5s
                  command-timeout: 10s
                  data-timeout: 10s
                queue:
                  initial-retry-delay: 1s
                  max-retry-delay: 2s
                admin:
                  address: 127.0.0.1:0
                  token-file: %s
                """.formatted(listenPort, directory.resolve("tls/server.crt"), directory.resolve("tls/server.key"),
                directory.resolve("spool"), directory.resolve("spool.keys"), nextHopPort, tlsLevel,
                directory.resolve("admin.token"));
    }

    /**
     * Writes {@code rules} to {@code policy.yaml} in {@code directory} and returns the
     * top-level {@code policy} setting that names it, to append to the configuration.
     */
    public static String policyFile(Path directory, String rules) throws IOException {
        Path file = directory.resolve("policy.yaml");
        Files.writeString(file, rules, StandardCharsets.UTF_8);
        return "policy:\n  file: " + file + "\n";
    }

    /**
     * Creates {@code credentials} in {@code directory}, readable by the owner only, with one
     * user and the hash of their password, and returns the file.
     *
     * @param comment a line written before the user's line, such as {@code "# test users\n"}, or ""
     */
    public static Path credentialsFile(Path directory, String comment, String user, String password)
            throws IOException {
        Path credentials = directory.resolve("credentials");
        Files.createFile(credentials,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(credentials, comment + user + ":" + PasswordHash.create(password.toCharArray()) + "\n");
        return credentials;
    }
}
