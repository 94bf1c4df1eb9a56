package org.sealrelay.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/** An IPv4 or IPv6 network in CIDR notation, such as {@code 10.0.0.0/8} or {@code ::1/128}. */
public final class Cidr {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /**
     * Parses {@code address/prefix}; a bare address is a single host. Host bits must be zero,
     * because {@code 10.1.2.3/8} is more often a typo than intent.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static Cidr parse(String value) {
        Objects.requireNonNull(value, "value");
        String trimmed = value.trim();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (!addressText.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("invalid network '" + value + "': expected an IP address with an optional /prefix");
        }
        byte[] address;
        try {
            address = InetAddress.getByName(addressText).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid network '" + value + "': " + e.getMessage(), e);
        }
        int maxPrefix = address.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException(
                        "invalid prefix length in '" + value + "': expected 0 to " + maxPrefix);
            }
        }
        for (int bit = prefix; bit < maxPrefix; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("invalid network '" + value
                        + "': host bits are set; did you mean the network address of that /" + prefix + "?");
            }
        }
        return new Cidr(address, prefix, trimmed);
    }

    /** Whether the address is inside this network; an IPv4-mapped IPv6 address matches IPv4 networks. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length == 16 && network.length == 4 && isIpv4Mapped(candidate)) {
            byte[] ipv4 = new byte[4];
            System.arraycopy(candidate, 12, ipv4, 0, 4);
            candidate = ipv4;
        }
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - remainingBits)) & 0xff;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && that.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
