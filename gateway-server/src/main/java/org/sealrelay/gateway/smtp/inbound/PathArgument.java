package org.sealrelay.gateway.smtp.inbound;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL or RCPT: a path in angle brackets followed by ESMTP parameters
 * (RFC 5321 section 4.1.2 and 4.1.1.11).
 *
 * @param address the mailbox without angle brackets and without a source route; empty for the
 *     null reverse-path {@code <>}
 * @param parameters keywords upper-cased, each mapped to its value or to an empty string when
 *     the parameter has no value, in the order given
 */
record PathArgument(String address, Map<String, String> parameters) {
    /** RFC 5321 section 4.5.3.1.3: a path is at most 256 octets including the brackets. */
    static final int MAX_PATH = 256;

    /** Thrown for a malformed argument; the message is the reply text. */
    static class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown for a non-ASCII address in a transaction without SMTPUTF8 (RFC 6531 section 3.5). */
    static final class Utf8RequiredException extends SyntaxException {
        Utf8RequiredException() {
            super("non-ASCII address requires SMTPUTF8");
        }
    }

    /**
     * Parses {@code FROM:<a@b> KEY=VALUE ...} or {@code TO:<a@b> ...}.
     *
     * @param argument the text after the verb
     * @param keyword {@code FROM} or {@code TO}
     * @param allowEmpty whether {@code <>} is allowed (MAIL only)
     */
    static PathArgument parse(String argument, String keyword, boolean allowEmpty) throws SyntaxException {
        return parse(argument, keyword, allowEmpty, false);
    }

    /**
     * Parses like {@link #parse(String, String, boolean)}; with {@code allowUtf8} the mailbox may
     * contain non-ASCII characters (RFC 6531 section 3.3).
     */
    static PathArgument parse(String argument, String keyword, boolean allowEmpty, boolean allowUtf8)
            throws SyntaxException {
        String prefix = keyword + ":";
        if (argument.length() < prefix.length()
                || !argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new SyntaxException("expected " + prefix + "<address>");
        }
        int position = prefix.length();
        // RFC 5321 allows no space here, but widely deployed clients send one.
        while (position < argument.length() && argument.charAt(position) == ' ') {
            position++;
        }
        if (position >= argument.length() || argument.charAt(position) != '<') {
            throw new SyntaxException("expected '<' to open the address");
        }
        int close = findClosingBracket(argument, position + 1);
        if (close - position + 1 > MAX_PATH) {
            throw new SyntaxException("path longer than " + MAX_PATH + " octets");
        }
        String path = stripSourceRoute(argument.substring(position + 1, close));
        if (path.isEmpty()) {
            if (!allowEmpty) {
                throw new SyntaxException("empty address not allowed here");
            }
        } else {
            validateMailbox(path, allowUtf8);
        }
        String rest = argument.substring(close + 1);
        return new PathArgument(path, parseParameters(rest));
    }

    private static int findClosingBracket(String text, int from) throws SyntaxException {
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        throw new SyntaxException("missing '>' to close the address");
    }

    /** Drops an RFC 5321 source route ({@code @a,@b:user@c}), which receivers must ignore. */
    private static String stripSourceRoute(String path) {
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon > 0) {
                return path.substring(colon + 1);
            }
        }
        return path;
    }

    private static void validateMailbox(String mailbox, boolean allowUtf8) throws SyntaxException {
        int at = mailbox.lastIndexOf('@');
        if (at <= 0 || at == mailbox.length() - 1) {
            throw new SyntaxException("address must have the form local-part@domain");
        }
        String localPart = mailbox.substring(0, at);
        String domain = mailbox.substring(at + 1);
        if (localPart.length() > 64) {
            throw new SyntaxException("local part longer than 64 octets");
        }
        for (int i = 0; i < mailbox.length(); i++) {
            char c = mailbox.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                if (!(c == ' ' && localPart.startsWith("\"") && i < at)) {
                    throw new SyntaxException("control character or space in address");
                }
            }
            if (c > 0x7e && (c < 0xa0 || !allowUtf8)) {
                if (c < 0xa0) {
                    throw new SyntaxException("control character in address");
                }
                throw new Utf8RequiredException();
            }
        }
        if (!localPart.startsWith("\"") && (localPart.startsWith(".") || localPart.endsWith(".")
                || localPart.contains("..") || containsAny(localPart, "()<>[]\\,;:@\""))) {
            throw new SyntaxException("invalid local part");
        }
        if (domain.startsWith("[")) {
            if (!domain.endsWith("]") || domain.length() < 3) {
                throw new SyntaxException("invalid address literal");
            }
            return;
        }
        if (domain.length() > 255) {
            throw new SyntaxException("domain longer than 255 octets");
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                throw new SyntaxException("invalid domain");
            }
        }
    }

    private static boolean containsAny(String text, String characters) {
        for (int i = 0; i < characters.length(); i++) {
            if (text.indexOf(characters.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> parseParameters(String text) throws SyntaxException {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return parameters;
        }
        if (text.charAt(0) != ' ') {
            throw new SyntaxException("expected a space between the address and its parameters");
        }
        for (String token : text.trim().split(" +")) {
            if (token.isEmpty()) {
                continue;
            }
            int equals = token.indexOf('=');
            String key = (equals < 0 ? token : token.substring(0, equals)).toUpperCase(Locale.ROOT);
            String value = equals < 0 ? "" : token.substring(equals + 1);
            if (key.isEmpty() || !key.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-'))) {
                throw new SyntaxException("invalid parameter keyword");
            }
            if (parameters.putIfAbsent(key, value) != null) {
                throw new SyntaxException("parameter " + key + " given twice");
            }
        }
        return parameters;
    }
}
