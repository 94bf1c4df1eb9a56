package org.sealrelay.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.crypto.keys.ImportedKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sealrelay keys import FILE [--replace]}. */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
        "Import OpenPGP public keys (armored or binary) or X.509 certificates (PEM or DER) from FILE.",
        "A new key must be valid, unrevoked and able to encrypt. An address already pinned to another key",
        "keeps that key unless --replace is given."})
final class KeysImportCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KeysDirectoryOption keysDirectory;

    @Parameters(index = "0", paramLabel = "FILE", description = "Key or certificate file.")
    Path file;

    @Option(names = "--replace", description = "Pin the file's keys even for addresses pinned to another key.")
    boolean replace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ImportedKey> imported;
        try {
            KeyDirectory directory = keysDirectory.open();
            imported = directory.importFile(file, replace);
        } catch (KeyDirectoryException e) {
            spec.commandLine().getErr().println("sealrelay: " + e.getMessage());
            return KeysCommand.EXIT_REJECTED;
        }
        for (ImportedKey key : imported) {
            out.printf("%s %s %s (%s): %s%n",
                    key.updated() ? "updated" : "imported",
                    key.entry().kind().label(),
                    key.entry().fingerprint(),
                    key.check().status(),
                    String.join(", ", key.entry().addresses().stream().sorted().toList()));
            for (String replaced : key.replacedFingerprints()) {
                out.printf("  replaced %s%n", replaced);
            }
        }
        return 0;
    }
}
