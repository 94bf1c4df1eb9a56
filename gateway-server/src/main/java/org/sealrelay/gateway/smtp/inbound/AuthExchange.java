package org.sealrelay.gateway.smtp.inbound;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * One SASL exchange of the AUTH command (RFC 4954) for the PLAIN (RFC 4616) and LOGIN
 * mechanisms: turns the client's base64 lines into a user name and password, or into the reply
 * that ends the exchange. The password is kept as a char array so it can be wiped.
 */
final class AuthExchange {
    /** What the exchange needs next. */
    sealed interface Step permits Challenge, Complete, Failed {
    }

    /** Send {@code 334 text} and wait for one more line. */
    record Challenge(String base64Text) implements Step {
    }

    /** The client has sent both user name and password. */
    record Complete(String user, char[] password) implements Step {
    }

    /** The exchange ends with this error reply. */
    record Failed(SmtpReply reply) implements Step {
    }

    static final SmtpReply CANCELLED = SmtpReply.of(501, "5.0.0", "Authentication cancelled");
    static final SmtpReply BAD_BASE64 = SmtpReply.of(501, "5.5.2", "Invalid base64 in authentication response");
    static final SmtpReply BAD_PLAIN = SmtpReply.of(501, "5.5.2", "Invalid PLAIN response: expected authzid NUL user NUL password");
    static final SmtpReply UNSUPPORTED = SmtpReply.of(504, "5.5.4", "Unrecognized authentication mechanism; use PLAIN or LOGIN");
    static final SmtpReply AUTHZID_MISMATCH = SmtpReply.of(535, "5.7.8", "Authentication credentials invalid");

    private static final String USERNAME_PROMPT = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD_PROMPT = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

    private enum Mechanism {
        PLAIN,
        LOGIN
    }

    private Mechanism mechanism;
    private String loginUser;

    /** Starts an exchange from the AUTH argument, such as {@code PLAIN AGpvZQBzZWNyZXQ=}. */
    Step start(String argument) {
        String[] parts = argument.trim().split(" +");
        String name = parts[0].toUpperCase(Locale.ROOT);
        String initial = parts.length > 1 ? parts[1] : null;
        if (parts.length > 2) {
            return new Failed(SmtpReply.of(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]"));
        }
        switch (name) {
            case "PLAIN" -> mechanism = Mechanism.PLAIN;
            case "LOGIN" -> mechanism = Mechanism.LOGIN;
            default -> {
                return new Failed(UNSUPPORTED);
            }
        }
        if (initial == null) {
            return new Challenge(mechanism == Mechanism.PLAIN ? "" : USERNAME_PROMPT);
        }
        // RFC 4954 section 4: "=" stands for an empty initial response.
        return respond(initial.equals("=") ? "" : initial);
    }

    /** Takes the client's next line. */
    Step respond(String line) {
        if (line.equals("*")) {
            return new Failed(CANCELLED);
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return new Failed(BAD_BASE64);
        }
        try {
            return mechanism == Mechanism.PLAIN ? plain(decoded) : login(decoded);
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    private Step plain(byte[] decoded) {
        int first = indexOf(decoded, 0);
        int second = first < 0 ? -1 : indexOf(decoded, first + 1);
        if (first < 0 || second < 0 || indexOf(decoded, second + 1) >= 0) {
            return new Failed(BAD_PLAIN);
        }
        String authzid = new String(decoded, 0, first, StandardCharsets.UTF_8);
        String user = new String(decoded, first + 1, second - first - 1, StandardCharsets.UTF_8);
        char[] password = utf8(Arrays.copyOfRange(decoded, second + 1, decoded.length));
        if (password == null) {
            return new Failed(BAD_PLAIN);
        }
        if (!authzid.isEmpty() && !authzid.equals(user)) {
            // Acting for another identity is not supported, so the request cannot succeed.
            Arrays.fill(password, '\0');
            return new Failed(AUTHZID_MISMATCH);
        }
        return new Complete(user, password);
    }

    private Step login(byte[] decoded) {
        if (loginUser == null) {
            loginUser = new String(decoded, StandardCharsets.UTF_8);
            return new Challenge(PASSWORD_PROMPT);
        }
        char[] password = utf8(decoded);
        return password == null ? new Failed(BAD_BASE64) : new Complete(loginUser, password);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Decodes UTF-8 into a char array without an intermediate String; null when invalid. */
    private static char[] utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] result = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return result;
        } catch (CharacterCodingException e) {
            return null;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
