package org.sealrelay.policy.detect;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a regular expression from the rules file with a bounded number of character reads, so
 * that a pattern with catastrophic backtracking, such as {@code (a+)+\1b} on a long run of
 * {@code a}, stops with {@link RegexBudgetExceededException} instead of occupying a worker for
 * hours. {@link java.util.regex} has no timeout, but it reads the text only through
 * {@link CharSequence#charAt}, so the text is wrapped in a view that counts those calls.
 *
 * <p>The budget is counted in reads rather than time so that the same message and rules always
 * give the same decision, whatever the load on the machine.
 */
public final class RegexBudget {
    /**
     * Reads allowed per character of text. An ordinary pattern reads each character a few
     * times per start position that reaches it.
     * NOTE: this is an estimate. A pattern such as {@code .*x} on one long line without x needs
     * reads quadratic in the line length, so it can exceed the budget on legitimate text, and
     * such a message is held.
     */
    public static final long READS_PER_CHAR = 200;
    /** Reads allowed however short the text, so that header values get room to backtrack. */
    public static final long MIN_READS = 1_000_000;

    private RegexBudget() {
    }

    /** Returns the read budget for a text of {@code length} characters. */
    public static long readsFor(int length) {
        return Math.max(MIN_READS, READS_PER_CHAR * length);
    }

    /**
     * Returns whether the pattern occurs anywhere in the text.
     *
     * @param source what the pattern belongs to, such as {@code body} or {@code detector mrn};
     *     it goes into the exception and must not contain message content
     * @throws RegexBudgetExceededException if the search needs more than {@link #readsFor} reads
     */
    public static boolean find(Pattern pattern, CharSequence text, String source) {
        return pattern.matcher(new CountingText(text, readsFor(text.length()), source)).find();
    }

    /**
     * Returns how many times the pattern occurs in the text, counting non-overlapping matches.
     *
     * @throws RegexBudgetExceededException if all searches together need more than
     *     {@link #readsFor} reads
     */
    public static int count(Pattern pattern, CharSequence text, String source) {
        Matcher matcher = pattern.matcher(new CountingText(text, readsFor(text.length()), source));
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** A read-only view of a text that throws once more than {@code budget} characters were read. */
    private static final class CountingText implements CharSequence {
        private final CharSequence text;
        private final long budget;
        private final String source;
        private long reads;

        CountingText(CharSequence text, long budget, String source) {
            this.text = text;
            this.budget = budget;
            this.source = source;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads > budget) {
                throw new RegexBudgetExceededException(source, budget);
            }
            return text.charAt(index);
        }

        // Reads through a sub-sequence are not counted. Matcher takes one to return a group.
        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
