package org.sealrelay.gateway.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes identifying text before it reaches a log line. A patient's mail address together
 * with the sending clinic can itself be protected health information, so logs keep only the
 * domain of an address ({@code ***@lab.example}); remote reply text is redacted the same way,
 * because servers often echo the address back ("550 5.1.1 <jane@x>: unknown user").
 */
public final class Redact {
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"(),;:]+@([A-Za-z0-9.\\-\\[\\]:]+)");
    private static final int MAX_TEXT = 300;
    private static final Pattern REMOTE_REPLY = Pattern.compile("[2-5]\\d\\d(?:[ -][245]\\.\\d{1,3}\\.\\d{1,3})?");

    private Redact() {
    }

    /** Returns {@code ***@domain} for an address, {@code <>} for the null reverse-path. */
    public static String address(String address) {
        if (address == null || address.isEmpty()) {
            return "<>";
        }
        int at = address.lastIndexOf('@');
        return at < 0 ? "***" : "***" + address.substring(at);
    }

    /**
     * Returns a reply or failure reason fit for a log line. A remote server's reply (it starts
     * with a three-digit code) keeps only its codes, because its free text can name a person
     * ("mailbox unknown for patient ..."); the whole reply stays in the encrypted envelope for
     * {@code sealrelay queue show}. A local reason, which starts with an enhanced code, is
     * passed through {@link #text}.
     */
    public static String reply(String reply) {
        if (reply == null) {
            return "";
        }
        java.util.regex.Matcher codes = REMOTE_REPLY.matcher(reply);
        if (codes.lookingAt()) {
            return codes.group().trim() + " (reply text withheld)";
        }
        return text(reply);
    }

    /**
     * Returns text with every address reduced to its domain, CR, LF and other control characters
     * escaped, and cut to 300 characters.
     */
    public static String text(String text) {
        if (text == null) {
            return "";
        }
        Matcher matcher = ADDRESS.matcher(text);
        String redacted = matcher.replaceAll(result -> Matcher.quoteReplacement("***@" + result.group(1)));
        StringBuilder clean = new StringBuilder(Math.min(redacted.length(), MAX_TEXT + 3));
        for (int i = 0; i < redacted.length() && clean.length() < MAX_TEXT; i++) {
            char c = redacted.charAt(i);
            if (c == '\r') {
                clean.append("\\r");
            } else if (c == '\n') {
                clean.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                clean.append('?');
            } else {
                clean.append(c);
            }
        }
        if (redacted.length() > MAX_TEXT) {
            clean.append("...");
        }
        return clean.toString();
    }
}
