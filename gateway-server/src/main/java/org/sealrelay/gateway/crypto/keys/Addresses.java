package org.sealrelay.gateway.crypto.keys;

import java.util.Locale;
import java.util.Optional;

/** Mail address handling for the key index. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * Returns the address in lower case. RFC 5321 lets the local part be case-sensitive, but
     * keys are published and looked up case-insensitively in practice (WKD lower-cases too).
     *
     * @throws IllegalArgumentException if the text is not {@code local@domain}
     */
    public static String normalize(String address) {
        String trimmed = address.strip();
        int at = trimmed.lastIndexOf('@');
        if (at <= 0 || at == trimmed.length() - 1 || trimmed.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>')) {
            throw new IllegalArgumentException("invalid mail address: expected local@domain");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    /** Returns the address in an OpenPGP user ID: "Name &lt;addr&gt;" or a bare address. */
    static Optional<String> fromUserId(String userId) {
        int open = userId.lastIndexOf('<');
        int close = userId.lastIndexOf('>');
        String candidate = open >= 0 && close > open ? userId.substring(open + 1, close) : userId;
        try {
            return Optional.of(normalize(candidate));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Returns true if the text looks like an address rather than a fingerprint. */
    public static boolean isAddress(String text) {
        return text.indexOf('@') >= 0;
    }
}
