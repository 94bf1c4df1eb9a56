package org.sealrelay.gateway.crypto.keys.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Owner names of OPENPGPKEY (RFC 7929 section 3) and SMIMEA (RFC 8162 section 3) records: the
 * SHA2-256 hash of the UTF-8 local part, truncated to 28 octets and written as hex, then the
 * label {@code _openpgpkey} or {@code _smimecert}, then the domain.
 *
 * <p>NOTE: both RFCs hash the local part as published, which may differ in case. The directory
 * normalizes addresses to lower case, so a record published under a mixed-case local part is
 * not found.
 */
final class DnsKeyNames {
    private static final int HASH_OCTETS = 28;

    private DnsKeyNames() {
    }

    static String openPgpKey(String address) {
        return name(address, "_openpgpkey");
    }

    static String smimea(String address) {
        return name(address, "_smimecert");
    }

    private static String name(String address, String label) {
        int at = address.lastIndexOf('@');
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(local.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(digest, HASH_OCTETS)) + "." + label + "." + domain;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
