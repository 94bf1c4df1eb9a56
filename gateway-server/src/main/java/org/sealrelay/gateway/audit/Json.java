package org.sealrelay.gateway.audit;

/** JSON string quoting for audit lines, which stay printable ASCII (RFC 8259 section 7). */
final class Json {
    private Json() {
    }

    /** Appends {@code text} as a JSON string; quotes, backslashes, controls and non-ASCII become escapes. */
    static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
