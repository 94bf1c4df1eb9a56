package org.sealrelay.gateway.audit;

import java.util.Objects;

/**
 * A point in the audit chain: a line's sequence number and its chain MAC. Sequence 0 with 64
 * zeros is the point before the first line.
 *
 * @param sequence the line's {@code seq} value
 * @param mac the line's chain MAC, 64 lower-case hex digits
 */
public record ChainPosition(long sequence, String mac) {
    /** The point before the first line of a new chain. */
    public static final ChainPosition GENESIS = new ChainPosition(0, AuditLog.GENESIS_MAC);

    public ChainPosition {
        Objects.requireNonNull(mac, "mac");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence " + sequence + " is negative");
        }
        if (!mac.matches("[0-9a-f]{64}")) {
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
        if (colon < 1 || !text.substring(0, colon).matches("\\d{1,18}")) {
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
