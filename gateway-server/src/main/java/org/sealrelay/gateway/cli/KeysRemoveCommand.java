package org.sealrelay.gateway.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sealrelay keys remove ADDRESS|FINGERPRINT}. */
@Command(name = "remove", mixinStandardHelpOptions = true, description = {
        "Remove every key pinned for ADDRESS, or the key with FINGERPRINT.",
        "Exits with 1 when nothing matched."})
final class KeysRemoveCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KeysDirectoryOption keysDirectory;

    @Parameters(index = "0", paramLabel = "ADDRESS|FINGERPRINT", description = "Mail address or key fingerprint (hex).")
    String target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<KeyEntry> removed;
        try {
            removed = keysDirectory.open().remove(target);
        } catch (KeyDirectoryException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return KeysCommand.EXIT_IO;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        if (removed.isEmpty()) {
            spec.commandLine().getErr().println("sealrelay: no key matches " + target);
            return KeysCommand.EXIT_NOT_FOUND;
        }
        for (KeyEntry entry : removed) {
            spec.commandLine().getOut().printf("removed %s %s%n", entry.kind().label(), entry.fingerprint());
        }
        return 0;
    }
}
