package org.sealrelay.policy.detect;

import java.util.regex.Pattern;

/**
 * DEA registration numbers: a registrant type letter, a second letter (the registrant's last
 * name initial, or 9 for some business registrants), six digits and a check digit. The check
 * digit is the last digit of (d1 + d3 + d5) + 2 &times; (d2 + d4 + d6).
 */
public final class DeaDetector implements Detector {
    private static final Pattern CANDIDATE =
            Pattern.compile("(?<![A-Za-z0-9])([ABCDEFGHJKLMPRSTUX])([A-Z9])(\\d{7})(?![A-Za-z0-9])");
    private static final Matches.StartSet START = Matches.StartSet.of("ABCDEFGHJKLMPRSTUX")
            .notAfter(c -> Matches.isAsciiLetter(c) || Matches.isDigit(c));

    @Override
    public String name() {
        return "dea";
    }

    @Override
    public int count(CharSequence text) {
        return Matches.countValid(CANDIDATE, START, text, match -> hasValidCheckDigit(match.group(3)));
    }

    /** Whether the seventh of seven digits is the DEA check digit of the first six. */
    static boolean hasValidCheckDigit(String digits) {
        int[] d = new int[7];
        for (int i = 0; i < 7; i++) {
            d[i] = digits.charAt(i) - '0';
        }
        int sum = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5]);
        return sum % 10 == d[6];
    }
}
