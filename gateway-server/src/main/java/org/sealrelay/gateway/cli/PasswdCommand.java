package org.sealrelay.gateway.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.sealrelay.gateway.smtp.auth.PasswordHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealrelay passwd USER --file FILE}: adds or replaces a user in an SMTP AUTH credentials
 * file. The password is read from the terminal without echo, or from the first line of
 * standard input when there is no terminal, so it never appears in the process list.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true, description = "Add or replace a user in an SMTP AUTH credentials file.")
final class PasswdCommand implements Callable<Integer> {
    /** Minimum password length; a credential that lets a client relay mail deserves a long one. */
    static final int MIN_PASSWORD_LENGTH = 12;

    @Parameters(index = "0", paramLabel = "USER", description = "User name, as the client sends it in AUTH.")
    String user;

    @Option(names = "--file", required = true, paramLabel = "FILE",
            description = "Credentials file; created with mode 0600 when missing.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (user.isEmpty() || user.contains(":") || user.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            spec.commandLine().getErr().println("sealrelay: invalid user name '" + user
                    + "': use printable characters without ':' or spaces");
            return 2;
        }
        char[] password = readPassword();
        if (password == null || password.length == 0) {
            spec.commandLine().getErr().println("sealrelay: no password given; type it at the prompt or pipe it on standard input");
            return 2;
        }
        if (password.length < MIN_PASSWORD_LENGTH) {
            java.util.Arrays.fill(password, '\0');
            spec.commandLine().getErr().println("sealrelay: password too short: use at least " + MIN_PASSWORD_LENGTH
                    + " characters (a passphrase of several words is easiest)");
            return 2;
        }
        String hash;
        try {
            hash = PasswordHash.create(password);
        } finally {
            Arrays.fill(password, '\0');
        }
        List<String> lines = new ArrayList<>();
        boolean replaced = false;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(user + ":")) {
                    lines.add(user + ":" + hash);
                    replaced = true;
                } else {
                    lines.add(line);
                }
            }
        }
        if (!replaced) {
            lines.add(user + ":" + hash);
        }
        writePrivately(lines);
        spec.commandLine().getOut().println((replaced ? "replaced" : "added") + " user " + user + " in " + file);
        return 0;
    }

    private char[] readPassword() throws IOException {
        Console console = System.console();
        if (console != null) {
            return console.readPassword("Password for %s: ", user);
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? null : line.toCharArray();
    }

    /** Writes a new file with mode 0600 from its creation, then renames it over the old one. */
    private void writePrivately(List<String> lines) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".credentials", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
