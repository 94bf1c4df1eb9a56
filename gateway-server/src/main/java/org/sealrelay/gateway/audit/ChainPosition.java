package org.sealrelay.gateway.audit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A point in the audit chain: a line's sequence number and its chain MAC. Sequence 0 with 64
 * zeros is the point before the first line.
 *
 * @param sequence the line's {@code seq} value
 * @param mac the line's chain MAC, 64 lower-case hex digits
 */
public record ChainPosition(long sequence, String mac) {
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{64}");
    /** The point before the first line of a new chain. */
    public static final ChainPosition GENESIS = new ChainPosition(0, AuditLog.GENESIS_MAC);

    public ChainPosition {
        Objects.requireNonNull(mac, "mac");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence " + sequence + " is negative");
        }
        if (!MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("invalid chain MAC '" + mac + "': expected 64 lower-case hex digits");
        }
    }

    /**
     * Parses {@code SEQ:MAC}, the form that the gateway's checkpoint log lines print.
     *
     * @throws IllegalArgumentException if the text does not have that form
     */
    public static ChainPosition parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 1 || !text.substring(0, colon).matches("\\d{1,18}")
                || !MAC.matcher(text.substring(colon + 1)).matches()) {
            throw new IllegalArgumentException("invalid checkpoint '" + text
                    + "': expected SEQ:MAC, such as 1234:" + "0f".repeat(32));
        }
        return new ChainPosition(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return sequence + ":" + mac;
    }
}
