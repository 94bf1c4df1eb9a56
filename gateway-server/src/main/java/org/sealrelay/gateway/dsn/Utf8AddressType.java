package org.sealrelay.gateway.dsn;

import java.util.Locale;

/**
 * Writes the Final-Recipient and Original-Recipient values of a report, with the {@code utf-8}
 * address type of RFC 6533 section 3 for addresses with non-ASCII characters.
 *
 * <p>An ORCPT value arrives as {@code addr-type;xtext} (RFC 3461 section 4.2). For the
 * {@code utf-8} type, the xtext contains a utf-8-addr-xtext: ASCII, with each other character
 * written as {@code \x{HEX}} (EmbeddedUnicodeChar). A message/global-delivery-status part may
 * carry UTF-8, so there the address is written decoded, in the utf-8-address form. A
 * message/delivery-status part must stay ASCII, so there the value is written as received.
 */
final class Utf8AddressType {
    private static final int MAX_CODE_POINT_DIGITS = 6;

    private Utf8AddressType() {
    }

    /**
     * Returns the Final-Recipient value: {@code utf-8; ADDRESS} for a non-ASCII address, else
     * {@code rfc822; ADDRESS}.
     */
    static String finalRecipient(String address) {
        String type = isAscii(address) ? "rfc822" : "utf-8";
        return type + "; " + ReportLines.printable(address);
    }

    /**
     * Returns the Original-Recipient value for the ORCPT value {@code orcpt}.
     *
     * @param global whether the value goes into a message/global-delivery-status part
     */
    static String originalRecipient(String orcpt, boolean global) {
        int semicolon = orcpt.indexOf(';');
        boolean utf8Type = semicolon > 0 && orcpt.substring(0, semicolon).trim().toLowerCase(Locale.ROOT).equals("utf-8");
        if (!global || !utf8Type) {
            // NOTE: other address types are written as received, still xtext-encoded.
            return ReportLines.printable(orcpt);
        }
        String decoded = decodeEmbedded(decodeXtext(orcpt.substring(semicolon + 1)));
        return "utf-8; " + ReportLines.printable(decoded);
    }

    /** Returns whether every character of {@code text} is ASCII. */
    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Decodes the {@code +XX} escapes of xtext (RFC 3461 section 4). The inbound listener accepts only valid ones. */
    static String decodeXtext(String xtext) {
        StringBuilder decoded = new StringBuilder(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+' && i + 2 < xtext.length() && isHex(xtext.charAt(i + 1)) && isHex(xtext.charAt(i + 2))) {
                decoded.append((char) Integer.parseInt(xtext.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }

    /**
     * Decodes each {@code \x{HEX}} of a utf-8-addr-xtext or utf-8-addr-unitext into its
     * character. An escape that is not one to six hexadecimal digits naming a Unicode scalar
     * value is left as it is.
     */
    static String decodeEmbedded(String text) {
        StringBuilder decoded = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int end = embeddedEnd(text, i);
            if (end < 0) {
                decoded.append(text.charAt(i));
                i++;
                continue;
            }
            decoded.appendCodePoint(Integer.parseInt(text.substring(i + 3, end), 16));
            i = end + 1;
        }
        return decoded.toString();
    }

    /** Returns the index of the closing brace of a valid {@code \x{HEX}} at {@code start}, or -1. */
    private static int embeddedEnd(String text, int start) {
        if (!text.startsWith("\\x{", start)) {
            return -1;
        }
        int close = text.indexOf('}', start + 3);
        int digits = close - (start + 3);
        if (close < 0 || digits < 1 || digits > MAX_CODE_POINT_DIGITS) {
            return -1;
        }
        for (int i = start + 3; i < close; i++) {
            if (!isHex(Character.toUpperCase(text.charAt(i)))) {
                return -1;
            }
        }
        int codePoint = Integer.parseInt(text.substring(start + 3, close), 16);
        boolean surrogate = codePoint >= 0xD800 && codePoint <= 0xDFFF;
        return codePoint > Character.MAX_CODE_POINT || surrogate ? -1 : close;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
