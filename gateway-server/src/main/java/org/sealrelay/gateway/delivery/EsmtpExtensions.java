package org.sealrelay.gateway.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The service extensions a next hop listed in its EHLO reply (RFC 5321 section 4.1.1.1). */
final class EsmtpExtensions {
    static final EsmtpExtensions NONE = new EsmtpExtensions(Map.of());

    /** Parameters by upper-case keyword, such as {@code SIZE -> "35882577"}; empty when none. */
    private final Map<String, String> parametersByKeyword;

    private EsmtpExtensions(Map<String, String> parametersByKeyword) {
        this.parametersByKeyword = Map.copyOf(parametersByKeyword);
    }

    /** Parses the lines after the first of a positive EHLO reply; the first line is the greeting. */
    static EsmtpExtensions parse(SmtpReply ehloReply) {
        List<String> lines = ehloReply.lines();
        Map<String, String> extensions = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String parameters = space < 0 ? "" : line.substring(space + 1).trim();
            extensions.put(keyword, parameters);
        }
        return new EsmtpExtensions(extensions);
    }

    boolean has(String keyword) {
        return parametersByKeyword.containsKey(keyword);
    }

    /** Returns the SIZE limit in octets, or 0 when the server gives none or an invalid one. */
    long sizeLimit() {
        String value = parametersByKeyword.get("SIZE");
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
