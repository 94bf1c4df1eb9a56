package org.sealrelay.gateway.delivery;

/** Makes peer-supplied or envelope text safe to put into logs and outcome text. */
final class SafeText {
    static final int MAX_LENGTH = 80;

    private SafeText() {}

    /**
     * Returns the text cut to {@link #MAX_LENGTH} characters, with control and non-ASCII
     * characters written as {@code \xNN}, so a CR or LF cannot start a forged log line.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        int length = Math.min(text.length(), MAX_LENGTH);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                escaped.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                escaped.append(c);
            }
        }
        if (text.length() > length) {
            escaped.append("...");
        }
        return escaped.toString();
    }
}
