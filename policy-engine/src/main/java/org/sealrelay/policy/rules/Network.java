package org.sealrelay.policy.rules;

import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation. Parsing accepts only literal addresses, so it never
 * triggers a DNS lookup.
 */
final class Network {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final byte[] prefix;
    private final int prefixLength;

    private Network(byte[] prefix, int prefixLength) {
        this.prefix = prefix;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address/length}; a bare address is one host.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    static Network parse(String text) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = parseAddress(addressText);
        if (address == null) {
            throw new IllegalArgumentException("invalid network '" + text
                    + "': expected an IPv4 or IPv6 address with an optional /prefix-length");
        }
        int length = address.length * 8;
        if (slash >= 0) {
            String lengthText = text.substring(slash + 1);
            if (!lengthText.matches("\\d{1,3}") || Integer.parseInt(lengthText) > address.length * 8) {
                throw new IllegalArgumentException("invalid prefix length in '" + text + "': expected 0 to "
                        + address.length * 8);
            }
            length = Integer.parseInt(lengthText);
        }
        return new Network(address, length);
    }

    /** Whether a literal address is inside the network; text that is not an address never is. */
    boolean contains(String addressText) {
        byte[] address = parseAddress(addressText);
        if (address != null && address.length == 16 && prefix.length == 4 && isIpv4Mapped(address)) {
            address = java.util.Arrays.copyOfRange(address, 12, 16);
        }
        if (address == null || address.length != prefix.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] parseAddress(String text) {
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                address[i] = (byte) octet;
            }
            return address;
        }
        if (text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+")) {
            try {
                // A literal with only hex digits, colons and dots is parsed without DNS.
                return java.net.InetAddress.getByName(text).getAddress();
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }
}
