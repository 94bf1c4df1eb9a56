package org.sealrelay.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.crypto.keys.KeyCandidate;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.crypto.keys.RecordedKey;
import org.sealrelay.gateway.crypto.keys.discovery.DiscoveryResult;
import org.sealrelay.gateway.crypto.keys.discovery.DiscoverySetup;
import org.sealrelay.gateway.crypto.keys.discovery.KeyDiscovery;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealrelay keys lookup ADDRESS}: the pinned keys of an address and whether they are
 * usable. With {@code --config}, discovery runs first in this process, as the daemon with that
 * configuration would run it, and records what it finds in the configured key directory.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true, description = {
        "Show the pinned OpenPGP key and S/MIME certificate of ADDRESS, with source and trust, and whether each",
        "can be used now. With --config, first run the discovery that FILE enables (keys.wkd, keys.dns) in",
        "its keys.directory; --keys-dir is then ignored. Exits with 1 when neither key is usable."})
final class KeysLookupCommand implements Callable<Integer> {
    /** Upper bound on one discovery run from the command line; each finder has its own shorter limits. */
    private static final long DISCOVERY_TIMEOUT_SECONDS = 120;

    @CommandLine.Mixin
    KeysDirectoryOption keysDirectory;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Gateway configuration whose keys section selects the directory and discovery methods.")
    Path configFile;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "Recipient mail address.")
    String address;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RecipientKeys keys;
        try {
            if (configFile == null) {
                keys = keysDirectory.open().lookup(address);
                out.println(keys.address());
            } else {
                keys = discover(out);
            }
        } catch (ConfigException e) {
            err.println("sealrelay: " + e.getMessage());
            return RunCommand.EXIT_CONFIG;
        } catch (KeyDirectoryException e) {
            err.println("sealrelay: " + e.getMessage());
            return KeysCommand.EXIT_IO;
        } catch (IllegalArgumentException e) {
            err.println("sealrelay: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        print(out, "openpgp", keys.openPgp());
        print(out, "x509", keys.smime());
        boolean usable = keys.openPgpEncryptionKey().isPresent() || keys.smimeCertificate().isPresent();
        return usable ? 0 : KeysCommand.EXIT_NOT_FOUND;
    }

    private RecipientKeys discover(PrintWriter out) throws ConfigException, KeyDirectoryException {
        GatewayConfig config = ConfigLoader.load(configFile);
        Path directory = config.keys().directory();
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());
        try (KeyDiscovery discovery = DiscoverySetup.create(config.keys(), config.delivery(), keys)) {
            DiscoveryResult result = discovery.discover(address).get(DISCOVERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.println(result.address());
            for (DiscoveryResult.Found found : result.recorded()) {
                RecordedKey recorded = found.recorded();
                out.printf("  found %s %s: %s%s%n", found.source().label(), recorded.fingerprint(), recorded.outcome(),
                        explain(recorded));
            }
            for (DiscoveryResult.Failure failure : result.failures()) {
                out.printf("  failed %s: %s%n", failure.source().label(), failure.reason());
            }
            return keys.lookup(result.address());
        } catch (ExecutionException | TimeoutException e) {
            throw new KeyDirectoryException("discovery did not finish within " + DISCOVERY_TIMEOUT_SECONDS + " s: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyDirectoryException("discovery was interrupted", e);
        }
    }

    private static String explain(RecordedKey recorded) {
        return switch (recorded.outcome()) {
            case CONFLICT -> " (the address stays pinned to " + recorded.pinnedFingerprint().orElse("?")
                    + "; 'sealrelay keys accept ADDRESS " + recorded.fingerprint() + "' switches)";
            case REJECTED -> " (" + recorded.check().status() + ": " + recorded.check().detail() + ")";
            default -> "";
        };
    }

    private static void print(PrintWriter out, String kind, Optional<KeyCandidate> candidate) {
        if (candidate.isEmpty()) {
            out.printf("  %-7s none%n", kind);
            return;
        }
        KeyCandidate found = candidate.get();
        KeyEntry entry = found.entry();
        out.printf("  %-7s %s %s (%s, %s): %s%n", kind, entry.fingerprint(), found.check().status(),
                entry.sourceKind().label(), entry.trust(), found.check().detail());
    }
}
