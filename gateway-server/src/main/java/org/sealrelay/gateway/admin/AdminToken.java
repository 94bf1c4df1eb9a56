package org.sealrelay.gateway.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The bearer token of the admin endpoint: 32 random octets in hex, new at every start, stored in
 * a file with mode 0600 so that only the gateway's user (and root) can send admin requests.
 */
public final class AdminToken {
    private static final int TOKEN_OCTETS = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    private AdminToken(String value) {
        this.value = value;
    }

    /**
     * Creates a new token and writes it to {@code file} with mode 0600, replacing any token of an
     * earlier start. The file is written under a temporary name created with mode 0600 and then
     * renamed, so the token is never readable by others, not even for a moment.
     *
     * @throws IOException if the folder cannot be created or the file cannot be written
     */
    public static AdminToken createIn(Path file) throws IOException {
        byte[] octets = new byte[TOKEN_OCTETS];
        RANDOM.nextBytes(octets);
        AdminToken token = new AdminToken(HexFormat.of().formatHex(octets));
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temporary + ": another process created it first", e);
        }
        Files.writeString(temporary, token.value + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return token;
    }

    /**
     * Reads the token that a running gateway wrote to {@code file}.
     *
     * @throws IOException if the file cannot be read, is readable by group or others, or contains no token
     */
    public static AdminToken readFrom(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IOException(file + " is readable by group or others (mode "
                    + PosixFilePermissions.toString(permissions) + "); expected mode 0600. Restart the gateway to "
                    + "write a new token");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!text.matches("[0-9a-f]{" + (TOKEN_OCTETS * 2) + "}")) {
            throw new IOException(file + " does not contain an admin token; restart the gateway to write one");
        }
        return new AdminToken(text);
    }

    /** Returns the token as sent in {@code Authorization: Bearer}. */
    public String value() {
        return value;
    }

    /** Compares in constant time, so the response time does not reveal how much of a guess was right. */
    boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                candidate.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "AdminToken[redacted]";
    }
}
