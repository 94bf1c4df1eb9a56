package org.sealrelay.policy.detect;

import java.util.Arrays;

/**
 * A text that several detectors scan, with the positions where a run of ASCII digits or of ASCII
 * letters begins. One pass finds those positions for all detectors. Every built-in pattern begins
 * with a digit or a letter and cannot follow one of the same kind, so a detector only needs to try
 * those positions instead of every character.
 *
 * <p>Letter-run starts also include every non-ASCII character, because Unicode case folding maps
 * some of them (such as the Kelvin sign) to ASCII letters. Not thread-safe: the positions are
 * computed on first use.
 */
final class ScanText implements CharSequence {
    private final String text;
    private int[] digitRunStarts;
    private int[] letterRunStarts;

    ScanText(CharSequence text) {
        this.text = text.toString();
    }

    /** Returns the plain text behind {@code text}, for code that reads it character by character. */
    static CharSequence unwrap(CharSequence text) {
        return text instanceof ScanText scan ? scan.text : text;
    }

    /** Returns the ascending positions where an ASCII digit follows a character that is not one. */
    int[] digitRunStarts() {
        if (digitRunStarts == null) {
            index();
        }
        return digitRunStarts;
    }

    /**
     * Returns the ascending positions where an ASCII letter follows a character that is not one,
     * and the positions of all non-ASCII characters.
     */
    int[] letterRunStarts() {
        if (letterRunStarts == null) {
            index();
        }
        return letterRunStarts;
    }

    private static final byte OTHER = 0;
    private static final byte DIGIT = 1;
    private static final byte LETTER = 2;
    private static final byte NON_ASCII = 3;
    /** The class of each ASCII character. */
    private static final byte[] CLASSES = new byte[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLASSES[c] = DIGIT;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLASSES[c] = LETTER;
            CLASSES[Character.toUpperCase(c)] = LETTER;
        }
    }

    private void index() {
        int length = text.length();
        int[] digits = new int[Math.max(16, length / 64)];
        int[] letters = new int[Math.max(16, length / 8)];
        int digitCount = 0;
        int letterCount = 0;
        int previous = OTHER;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int current = c < 128 ? CLASSES[c] : NON_ASCII;
            // Runs change far less often than characters, so most iterations end here.
            if (current == previous && current != NON_ASCII) {
                continue;
            }
            previous = current;
            if (current == DIGIT) {
                if (digitCount == digits.length) {
                    digits = Arrays.copyOf(digits, digitCount * 2);
                }
                digits[digitCount++] = i;
            } else if (current != OTHER) {
                if (letterCount == letters.length) {
                    letters = Arrays.copyOf(letters, letterCount * 2);
                }
                letters[letterCount++] = i;
            }
        }
        digitRunStarts = Arrays.copyOf(digits, digitCount);
        letterRunStarts = Arrays.copyOf(letters, letterCount);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.subSequence(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
