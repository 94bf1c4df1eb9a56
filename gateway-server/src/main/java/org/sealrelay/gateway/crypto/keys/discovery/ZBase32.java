package org.sealrelay.gateway.crypto.keys.discovery;

/**
 * z-base-32, the human-oriented base-32 alphabet that Web Key Directory uses for the hashed
 * local part. Bits are read most significant first in groups of five, and the last group is
 * padded with zero bits; there is no padding character.
 */
final class ZBase32 {
    private static final char[] ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769".toCharArray();

    private ZBase32() {
    }

    static String encode(byte[] octets) {
        StringBuilder text = new StringBuilder((octets.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte octet : octets) {
            buffer = (buffer << 8) | (octet & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                text.append(ALPHABET[(buffer >> bits) & 0x1f]);
            }
        }
        if (bits > 0) {
            text.append(ALPHABET[(buffer << (5 - bits)) & 0x1f]);
        }
        return text.toString();
    }
}
