package org.sealrelay.gateway.audit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an audit line that the chain needs: the body the MAC covers, the MAC and the
 * sequence number.
 *
 * @param body the line up to, not including, {@code ,"mac":}
 * @param mac the line's chain MAC, 64 lower-case hex digits
 * @param sequence the {@code seq} value
 */
record AuditLine(String body, String mac, long sequence) {
    private static final Pattern SHAPE = Pattern.compile("(\\{\"seq\":(\\d{1,18}),.*),\"mac\":\"([0-9a-f]{64})\"}");
    private static final Pattern EVENT = Pattern.compile("\\{\"seq\":\\d+,\"time\":\"([^\"\\\\]*)\",\"event\":\"([^\"\\\\]*)\"");

    /** Returns the parsed line, or empty when the line does not have the audit line shape. */
    static Optional<AuditLine> parse(String line) {
        Matcher matcher = SHAPE.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AuditLine(matcher.group(1), matcher.group(3), Long.parseLong(matcher.group(2))));
    }

    /** Returns this line's position in the chain. */
    ChainPosition position() {
        return new ChainPosition(sequence, mac);
    }

    /** Returns the {@code event} value, or an empty string when the line has none. */
    String event() {
        Matcher matcher = EVENT.matcher(body);
        return matcher.lookingAt() ? matcher.group(2) : "";
    }

    /** Returns the {@code time} value, or an empty string when the line has none. */
    String time() {
        Matcher matcher = EVENT.matcher(body);
        return matcher.lookingAt() ? matcher.group(1) : "";
    }

    /**
     * Returns a number field. Only lines that {@link ChainEvents} writes are read this way, and
     * their field values contain no quotes, so a plain search finds the field itself.
     */
    Optional<Long> number(String field) {
        Matcher matcher = Pattern.compile(",\"" + Pattern.quote(field) + "\":(\\d{1,18})(?:,|$)").matcher(body);
        return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    /** Returns a text field without escapes; the same restriction as for {@link #number} applies. */
    Optional<String> text(String field) {
        Matcher matcher = Pattern.compile(",\"" + Pattern.quote(field) + "\":\"([^\"\\\\]*)\"").matcher(body);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
