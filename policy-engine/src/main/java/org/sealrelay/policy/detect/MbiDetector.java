package org.sealrelay.policy.detect;

import java.util.regex.Pattern;

/**
 * Medicare Beneficiary Identifiers in the CMS format: 11 characters, optionally printed as
 * {@code 1EG4-TE5-MK73}. Positions 1, 4, 7, 10 and 11 are digits, and position 1 is not zero.
 * Positions 2, 5, 8 and 9 are letters, and positions 3 and 6 are letters or digits. The letters
 * S, L, O, I, B and Z are never used. The format has no check digit.
 */
public final class MbiDetector implements Detector {
    private static final String LETTER = "[AC-HJKMNP-RT-Y]";
    private static final String LETTER_OR_DIGIT = "[AC-HJKMNP-RT-Y0-9]";
    private static final Pattern CANDIDATE = Pattern.compile("(?<![A-Za-z0-9-])[1-9]" + LETTER + LETTER_OR_DIGIT
            + "[0-9](-?)" + LETTER + LETTER_OR_DIGIT + "[0-9]\\1" + LETTER + LETTER + "[0-9]{2}(?![A-Za-z0-9-])");
    private static final Matches.StartSet START = Matches.StartSet.of("123456789")
            .notAfter(c -> Matches.isAsciiLetter(c) || Matches.isDigit(c) || c == '-');

    @Override
    public String name() {
        return "mbi";
    }

    @Override
    public int count(CharSequence text) {
        return Matches.countValid(CANDIDATE, START, text, match -> true);
    }
}
