package org.sealrelay.gateway.cli;

import java.util.concurrent.Callable;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sealrelay keys accept ADDRESS FINGERPRINT}: resolves a key conflict. */
@Command(name = "accept", mixinStandardHelpOptions = true, description = {
        "Pin ADDRESS to the stored key with FINGERPRINT, in place of the key it is pinned to now.",
        "Use it after checking a conflict that 'keys list' shows. The key must name ADDRESS and be usable."})
final class KeysAcceptCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KeysDirectoryOption keysDirectory;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "Recipient mail address.")
    String address;

    @Parameters(index = "1", paramLabel = "FINGERPRINT", description = "Fingerprint (hex) of the key to pin.")
    String fingerprint;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        KeyEntry accepted;
        try {
            accepted = keysDirectory.open().accept(address, fingerprint);
        } catch (KeyDirectoryException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return KeysCommand.EXIT_REJECTED;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        spec.commandLine().getOut().printf("pinned %s %s for %s%n", accepted.kind().label(), accepted.fingerprint(),
                String.join(",", accepted.addresses().stream().sorted().toList()));
        return 0;
    }
}
