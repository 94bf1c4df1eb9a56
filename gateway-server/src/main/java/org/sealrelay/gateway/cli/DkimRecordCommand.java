package org.sealrelay.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.dkim.DkimKey;
import org.sealrelay.gateway.dkim.DkimKeyException;
import org.sealrelay.gateway.dkim.DkimKeyFile;
import org.sealrelay.gateway.dkim.DkimService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealrelay dkim record}: prints the DNS TXT record of each configured key, or of one key
 * file, in zone-file syntax. Only the public key is printed.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Print the DNS TXT record (zone-file syntax) that publishes a DKIM public key.",
            "Without --private-key, prints one record per dkim.keys entry of the configuration.",
            "Exit codes: 0 done, 64 invalid option, 65 unusable key file, 74 the key file cannot be read,"
                    + " 78 invalid configuration."})
final class DkimRecordCommand implements Callable<Integer> {
    static final int EXIT_USAGE = 64;
    static final int EXIT_KEY = 65;
    /** RFC 1035 section 3.3.14: one character-string of a TXT record contains at most 255 octets. */
    private static final int TXT_STRING_LIMIT = 255;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/sealrelay.yaml",
            description = "Configuration file whose dkim.keys are printed (default: ${DEFAULT-VALUE}).")
    Path configFile;

    @Option(names = "--private-key", paramLabel = "FILE",
            description = "PEM private key (RSA of 2048 bits or more, or Ed25519) to print the record of instead.")
    Path privateKey;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Signing domain (d=) of --private-key.")
    String domain;

    @Option(names = "--selector", paramLabel = "SELECTOR", description = "Selector (s=) of --private-key.")
    String selector;

    @Option(names = "--service", paramLabel = "SERVICE", defaultValue = "all",
            description = "Mail the key of --private-key signs: all (no s= tag), email or tlsrpt (default: ${DEFAULT-VALUE}).")
    String service;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<DkimKey> keys = new ArrayList<>();
        if (privateKey == null) {
            try {
                keys.addAll(ConfigLoader.load(configFile).dkim().keys());
            } catch (ConfigException e) {
                err.println("sealrelay: " + e.getMessage());
                return RunCommand.EXIT_CONFIG;
            }
            if (keys.isEmpty()) {
                err.println("sealrelay: " + configFile + " has no dkim.keys entries; add one, or pass --private-key");
                return RunCommand.EXIT_CONFIG;
            }
        } else {
            if (domain == null || selector == null) {
                err.println("sealrelay: --private-key needs --domain and --selector to name the record");
                return EXIT_USAGE;
            }
            Optional<DkimService> parsed = DkimService.fromConfigName(service);
            if (parsed.isEmpty()) {
                err.println("sealrelay: invalid --service '" + service + "': expected all, email or tlsrpt");
                return EXIT_USAGE;
            }
            try {
                keys.add(new DkimKey(domain, selector, parsed.get(), DkimKeyFile.read(privateKey)));
            } catch (IOException e) {
                err.println("sealrelay: cannot read " + privateKey + ": " + e);
                return RunCommand.EXIT_IO;
            } catch (DkimKeyException e) {
                err.println("sealrelay: " + e.getMessage());
                return EXIT_KEY;
            }
        }
        for (DkimKey key : keys) {
            spec.commandLine().getOut().println(zoneLine(key));
        }
        return 0;
    }

    /** Returns {@code NAME. IN TXT ( "..." "..." )}, the text split into strings of at most 255 octets. */
    static String zoneLine(DkimKey key) {
        String text = key.recordText();
        StringBuilder line = new StringBuilder(key.recordName()).append(". IN TXT (");
        for (int start = 0; start < text.length(); start += TXT_STRING_LIMIT) {
            line.append(" \"").append(text, start, Math.min(text.length(), start + TXT_STRING_LIMIT)).append('"');
        }
        return line.append(" )").toString();
    }
}
