package org.sealrelay.gateway.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.sealrelay.gateway.testing.ExternalTool;

/** DKIM private keys written by openssl, the tool an administrator would use. */
public final class TestKeys {
    private TestKeys() {
    }

    /** Runs {@code openssl} with {@code arguments} in {@code directory} and checks that it succeeded. */
    public static String openssl(Path directory, String... arguments) throws IOException, InterruptedException {
        Path openssl = ExternalTool.require("openssl");
        List<String> command = new java.util.ArrayList<>();
        command.add(openssl.toString());
        command.addAll(List.of(arguments));
        ExternalTool.Result result = ExternalTool.run(command, directory, 120);
        assertThat(result.exitCode()).as("openssl %s: %s", String.join(" ", arguments), result.output()).isZero();
        return result.output();
    }

    public static Path ed25519(Path directory, String name) throws IOException, InterruptedException {
        Path file = directory.resolve(name);
        openssl(directory, "genpkey", "-algorithm", "ed25519", "-out", file.toString());
        return file;
    }

    public static Path rsa(Path directory, String name, int bits) throws IOException, InterruptedException {
        Path file = directory.resolve(name);
        openssl(directory, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + bits, "-out",
                file.toString());
        return file;
    }

    public static DkimKey key(Path file, String domain, String selector, DkimService service) throws Exception {
        return new DkimKey(domain, selector, service, DkimKeyFile.read(file));
    }
}
