package org.sealrelay.gateway.smtp.inbound;

/** The xtext encoding of RFC 3461 section 4, used by ENVID and ORCPT. */
final class XText {
    private XText() {
    }

    /**
     * Whether {@code text} is valid xtext: printable ASCII other than "+" and "=", or "+"
     * followed by two upper-case hexadecimal digits that encode a printable character or a
     * space, so that a decoded value can never carry CR, LF or other controls.
     */
    static boolean isValid(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                if (i + 2 >= text.length() || !isHex(text.charAt(i + 1)) || !isHex(text.charAt(i + 2))) {
                    return false;
                }
                int decoded = Integer.parseInt(text.substring(i + 1, i + 3), 16);
                if (decoded < 0x20 || decoded > 0x7e) {
                    return false;
                }
                i += 2;
            } else if (c < '!' || c > '~' || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
