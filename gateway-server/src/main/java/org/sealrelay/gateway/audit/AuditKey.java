package org.sealrelay.gateway.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret behind the audit trail: 32 random octets, stored hex-encoded in a file of mode
 * 0600. Two HMAC-SHA256 keys are derived from it, one that chains the lines and one that hashes
 * addresses, so publishing address hashes never helps forge the chain.
 *
 * <p>Anyone with the key can rewrite the whole log with a valid chain, so keep it where only
 * the gateway's user can read it, and keep a copy away from the log for verification.
 */
public final class AuditKey {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int KEY_OCTETS = 32;
    /** Octets of the address HMAC kept in the log: 128 bits, enough to tell addresses apart. */
    private static final int ADDRESS_HASH_OCTETS = 16;

    private final SecretKeySpec chainKey;
    private final SecretKeySpec addressKey;

    private AuditKey(byte[] secret) {
        this.chainKey = new SecretKeySpec(hmac(new SecretKeySpec(secret, "HmacSHA256"), "sealrelay audit chain"),
                "HmacSHA256");
        this.addressKey = new SecretKeySpec(hmac(new SecretKeySpec(secret, "HmacSHA256"), "sealrelay audit address"),
                "HmacSHA256");
    }

    /** Returns a key that exists only in memory, for gateways without an audit trail and for tests. */
    public static AuditKey ephemeral() {
        byte[] secret = new byte[KEY_OCTETS];
        new SecureRandom().nextBytes(secret);
        return new AuditKey(secret);
    }

    /**
     * Reads the key file, or creates it with mode 0600 when it is missing.
     *
     * @throws IOException if the file cannot be read or created, is readable by group or others,
     *     or does not hold 64 hex digits
     */
    public static AuditKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] secret = new byte[KEY_OCTETS];
            new SecureRandom().nextBytes(secret);
            try {
                create(file, secret);
                return new AuditKey(secret);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first; read that one.
            }
        }
        return load(file);
    }

    /**
     * Reads an existing key file.
     *
     * @throws IOException if the file is missing, readable by group or others, or invalid
     */
    public static AuditKey load(Path file) throws IOException {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": audit key file not found", e);
        }
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw new IOException(file + ": audit key file has mode " + PosixFilePermissions.toString(permissions)
                    + "; expected rw------- (chmod 600)");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!text.matches("[0-9a-fA-F]{64}")) {
            throw new IOException(file + ": invalid audit key file: expected 64 hex digits");
        }
        return new AuditKey(HexFormat.of().parseHex(text.toLowerCase(Locale.ROOT)));
    }

    private static void create(Path file, byte[] secret) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            channel.write(java.nio.ByteBuffer.wrap((HexFormat.of().formatHex(secret) + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
    }

    /** Returns the chain MAC of a line: HMAC over the previous line's MAC, a newline and this line's body. */
    String chainMac(String previousMac, String body) {
        return HexFormat.of().formatHex(hmac(chainKey, previousMac + "\n" + body));
    }

    /**
     * Returns the check value of an anchor slot. The prefix is not 64 hex digits, so no chain
     * line can have the same MAC input.
     */
    String anchorMac(ChainPosition position) {
        return HexFormat.of().formatHex(hmac(chainKey, "anchor\n" + position));
    }

    /**
     * Returns a keyed hash of an address (lower-cased), so that audit lines about the same
     * recipient can be matched without the log naming the recipient.
     */
    public String addressHash(String address) {
        byte[] mac = hmac(addressKey, address.toLowerCase(Locale.ROOT));
        return HexFormat.of().formatHex(mac, 0, ADDRESS_HASH_OCTETS);
    }

    private static byte[] hmac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
