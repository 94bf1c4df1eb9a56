package org.sealrelay.gateway.cli;

import java.nio.file.Path;
import java.time.Clock;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import picocli.CommandLine.Option;

/** The {@code --keys-dir} option shared by the {@code keys} subcommands. */
final class KeysDirectoryOption {
    @Option(names = "--keys-dir", paramLabel = "DIR", defaultValue = "var/keys",
            description = "Recipient key directory, created if missing (default: ${DEFAULT-VALUE}).")
    Path directory;

    KeyDirectory open() throws KeyDirectoryException {
        return KeyDirectory.open(directory, Clock.systemUTC());
    }
}
