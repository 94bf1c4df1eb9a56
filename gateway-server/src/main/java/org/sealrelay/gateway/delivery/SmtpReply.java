package org.sealrelay.gateway.delivery;

import java.util.List;

/**
 * One reply from a next hop, possibly spread over several lines (RFC 5321 section 4.2.1).
 *
 * @param code the three-digit reply code, already checked by {@link SmtpReplyDecoder}
 * @param lines the text of each line after the code and separator, possibly empty strings
 */
record SmtpReply(int code, List<String> lines) {
    SmtpReply {
        lines = List.copyOf(lines);
    }

    boolean isPositiveCompletion() {
        return code / 100 == 2;
    }

    boolean isPositiveIntermediate() {
        return code / 100 == 3;
    }

    boolean isTransientNegative() {
        return code / 100 == 4;
    }

    /** Returns whether the reply is 5xx, the only class that makes an outcome permanent. */
    boolean isPermanentNegative() {
        return code / 100 == 5;
    }

    /** Returns the code and the text of all lines joined with spaces, as stored in a recipient outcome. */
    String text() {
        StringBuilder text = new StringBuilder().append(code);
        for (String line : lines) {
            if (!line.isEmpty()) {
                text.append(' ').append(line);
            }
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
