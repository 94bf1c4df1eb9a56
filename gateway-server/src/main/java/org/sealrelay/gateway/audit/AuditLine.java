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

    /** Returns the parsed line, or empty when the line does not have the audit line shape. */
    static Optional<AuditLine> parse(String line) {
        Matcher matcher = SHAPE.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AuditLine(matcher.group(1), matcher.group(3), Long.parseLong(matcher.group(2))));
    }
}
