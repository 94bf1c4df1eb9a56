package org.sealrelay.gateway.smtp.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SMTP AUTH user list: one {@code user:hash} line per user, {@code #} comments and blank
 * lines ignored, hashes as {@link PasswordHash} writes them. The file must not be readable by
 * other users, because an offline guess against a leaked hash needs no rate limit.
 */
public final class CredentialsFile {
    private final Map<String, String> hashesByUser;

    private CredentialsFile(Map<String, String> hashesByUser) {
        this.hashesByUser = Map.copyOf(hashesByUser);
    }

    /**
     * Loads and validates the file.
     *
     * @throws IOException naming the file, the line and the fix when it is missing, readable by
     *     other users, or malformed
     */
    public static CredentialsFile load(Path file) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw new IOException("credentials file " + file + " not found; create it with 'sealrelay passwd USER "
                    + "--file " + file + "'", e);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.OTHERS_WRITE)
                || permissions.contains(PosixFilePermission.GROUP_WRITE)) {
            throw new IOException("credentials file " + file + " is accessible by other users; run: chmod 600 " + file);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> hashes = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException(file + ":" + (i + 1) + ": expected user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            try {
                PasswordHash.validate(hash);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": invalid hash for user " + user + ": " + e.getMessage(), e);
            }
            if (hashes.putIfAbsent(user, hash) != null) {
                throw new IOException(file + ":" + (i + 1) + ": user " + user + " appears twice");
            }
        }
        return new CredentialsFile(hashes);
    }

    /** Returns the encoded hash of a user, or null when the user is unknown. */
    String hashOf(String user) {
        return hashesByUser.get(user);
    }

    /** Returns the number of users. */
    public int size() {
        return hashesByUser.size();
    }
}
