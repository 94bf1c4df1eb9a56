package org.sealrelay.gateway.smtp.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes for SMTP AUTH: PBKDF2 with HMAC-SHA256, written as
 * {@code $pbkdf2-sha256$600000$SALT$HASH} with base64 salt (16 bytes) and hash (32 bytes).
 * 600,000 iterations is OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; stored hashes keep
 * their own count, so raising the default later does not invalidate them.
 */
public final class PasswordHash {
    static final String PREFIX = "$pbkdf2-sha256$";
    static final int DEFAULT_ITERATIONS = 600_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** Returns a new encoded hash of the password with a fresh random salt. */
    public static String create(char[] password) {
        return create(password, DEFAULT_ITERATIONS);
    }

    static String create(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations, HASH_BYTES);
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    /**
     * Checks a password against an encoded hash in time that does not depend on where the
     * two differ.
     *
     * @throws IllegalArgumentException if {@code encoded} is not of the form {@link #create} writes
     */
    public static boolean verify(char[] password, String encoded) {
        Parsed parsed = parse(encoded);
        byte[] actual = derive(password, parsed.salt, parsed.iterations, parsed.hash.length);
        return MessageDigest.isEqual(actual, parsed.hash);
    }

    /** Checks that an encoded hash is well formed, for validating a credentials file at load time. */
    static void validate(String encoded) {
        parse(encoded);
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            throw new IllegalArgumentException("expected a hash starting with " + PREFIX
                    + "; create one with 'sealrelay passwd USER'");
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected " + PREFIX + "ITERATIONS$SALT$HASH");
        }
        try {
            int iterations = Integer.parseInt(parts[0]);
            if (iterations < 100_000) {
                throw new IllegalArgumentException("iteration count " + iterations + " is below 100000");
            }
            Base64.Decoder base64 = Base64.getDecoder();
            byte[] salt = base64.decode(parts[1]);
            byte[] hash = base64.decode(parts[2]);
            if (salt.length < 16 || hash.length < 32) {
                throw new IllegalArgumentException("salt or hash too short");
            }
            return new Parsed(iterations, salt, hash);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid iteration count '" + parts[0] + "'");
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int length) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, length * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Overwrites a password buffer once it is no longer needed. */
    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
