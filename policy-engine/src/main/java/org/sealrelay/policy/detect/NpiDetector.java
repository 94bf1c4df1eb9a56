package org.sealrelay.policy.detect;

import java.util.regex.Pattern;

/**
 * US National Provider Identifiers: ten digits starting with 1 or 2 whose last digit is the
 * Luhn check digit of the first nine with the health-industry issuer prefix 80840 in front.
 */
public final class NpiDetector implements Detector {
    private static final Pattern CANDIDATE = Pattern.compile("(?<![\\d-])[12]\\d{9}(?![\\d-])");
    private static final Matches.StartSet START = Matches.StartSet.of("12").notAfter(c -> Matches.isDigit(c) || c == '-');

    @Override
    public String name() {
        return "npi";
    }

    @Override
    public int count(CharSequence text) {
        return Matches.countValid(CANDIDATE, START, text, match -> isValid(match.group()));
    }

    /** Whether ten digits form a valid NPI. */
    static boolean isValid(String digits) {
        return digits.length() == 10 && (digits.charAt(0) == '1' || digits.charAt(0) == '2')
                && Luhn.isValid("80840" + digits);
    }
}
