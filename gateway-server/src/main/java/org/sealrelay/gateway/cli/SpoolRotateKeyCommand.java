package org.sealrelay.gateway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.spool.SpoolKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealrelay spool rotate-key}: adds a new current key to the spool key file. Records
 * written before keep their key id and stay readable; the gateway encrypts with the new key
 * from its next start.
 */
@Command(name = "rotate-key", mixinStandardHelpOptions = true,
        description = {"Add a new current encryption key to the spool key file.",
            "Existing records stay readable with their old keys. Restart the gateway to write with the new key.",
            "Exit codes: 0 done, 74 the key file cannot be read or written, 78 invalid configuration."})
final class SpoolRotateKeyCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/sealrelay.yaml",
            description = "Configuration file naming spool.key-file (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return RunCommand.EXIT_CONFIG;
        }
        try {
            SpoolKeys keys = SpoolKeys.addKey(config.spool().keyFile());
            spec.commandLine().getOut().println("spool key file " + keys.file() + ": new current key id "
                    + keys.currentKeyId() + ", " + keys.keyIds().size() + " key(s) kept; restart the gateway to use it");
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return RunCommand.EXIT_IO;
        }
    }
}
