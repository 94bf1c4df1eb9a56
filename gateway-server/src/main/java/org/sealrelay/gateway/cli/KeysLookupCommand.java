package org.sealrelay.gateway.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.crypto.keys.KeyCandidate;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sealrelay keys lookup ADDRESS}: the pinned keys of an address and whether they are usable. */
@Command(name = "lookup", mixinStandardHelpOptions = true, description = {
        "Show the pinned OpenPGP key and S/MIME certificate of ADDRESS and whether each can be used now.",
        "Exits with 1 when neither is usable."})
final class KeysLookupCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KeysDirectoryOption keysDirectory;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "Recipient mail address.")
    String address;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RecipientKeys keys;
        try {
            keys = keysDirectory.open().lookup(address);
        } catch (KeyDirectoryException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return KeysCommand.EXIT_IO;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(keys.address());
        print(out, "openpgp", keys.openPgp());
        print(out, "x509", keys.smime());
        boolean usable = keys.openPgpEncryptionKey().isPresent() || keys.smimeCertificate().isPresent();
        return usable ? 0 : KeysCommand.EXIT_NOT_FOUND;
    }

    private static void print(PrintWriter out, String kind, Optional<KeyCandidate> candidate) {
        if (candidate.isEmpty()) {
            out.printf("  %-7s none%n", kind);
            return;
        }
        KeyCandidate found = candidate.get();
        out.printf("  %-7s %s %s: %s%n", kind, found.entry().fingerprint(), found.check().status(), found.check().detail());
    }
}
