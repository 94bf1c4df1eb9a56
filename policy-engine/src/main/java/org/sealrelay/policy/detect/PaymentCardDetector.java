package org.sealrelay.policy.detect;

import java.util.regex.Pattern;

/**
 * Payment card numbers: 13 to 19 digits, optionally grouped by single spaces or hyphens, that
 * pass the Luhn check. A run of one repeated digit is not counted, because such runs pass the
 * check for some lengths but are placeholders. Nor are the first groups of a longer grouped
 * number, such as a 22-digit parcel tracking number printed in groups of four.
 */
public final class PaymentCardDetector implements Detector {
    private static final Pattern CANDIDATE = Pattern.compile("(?<![\\d-]|\\d[ -])\\d(?:[ -]?\\d){12,18}(?![\\d-]|[ -]\\d)");
    private static final Matches.StartSet DIGITS =
            Matches.StartSet.digits().notAfter(c -> Matches.isDigit(c) || c == '-');

    @Override
    public String name() {
        return "payment-card";
    }

    @Override
    public int count(CharSequence text) {
        return Matches.countValid(CANDIDATE, DIGITS, text, match -> isValid(match.group()));
    }

    /** Whether a candidate, separators included, is a plausible card number. */
    static boolean isValid(String candidate) {
        String digits = candidate.replace(" ", "").replace("-", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        if (digits.chars().distinct().count() == 1) {
            return false;
        }
        return Luhn.isValid(digits);
    }
}
