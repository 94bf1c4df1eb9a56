package org.sealrelay.policy.detect;

/** The Luhn mod-10 check (ISO/IEC 7812-1 annex B) over a string of ASCII digits. */
final class Luhn {
    private Luhn() {
    }

    /** Whether the last digit of {@code digits} is the correct Luhn check digit for the others. */
    static boolean isValid(CharSequence digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return false;
            }
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return digits.length() > 1 && sum % 10 == 0;
    }
}
