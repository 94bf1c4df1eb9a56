package org.sealrelay.gateway.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.crypto.keys.KeyCheck;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sealrelay keys list}: one line per key with its status now. */
@Command(name = "list", mixinStandardHelpOptions = true, description = {
        "List every key: kind, fingerprint, status now, trust, pinned addresses, conflicting addresses, source.",
        "An address under conflicts= was found with this key while pinned to another; see 'keys accept'."})
final class KeysListCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KeysDirectoryOption keysDirectory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        try {
            for (KeyEntry entry : keysDirectory.open().list()) {
                KeyCheck check = entry.key().check(now);
                out.printf("%-7s %s %s %s pinned=%s conflicts=%s %s%n", entry.kind().label(), entry.fingerprint(),
                        check.status(), entry.trust(), addressList(entry.addresses()), addressList(entry.conflicts()),
                        entry.source());
            }
        } catch (KeyDirectoryException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return KeysCommand.EXIT_IO;
        }
        return 0;
    }

    private static String addressList(java.util.Set<String> addresses) {
        return addresses.isEmpty() ? "-" : String.join(",", addresses.stream().sorted().toList());
    }
}
