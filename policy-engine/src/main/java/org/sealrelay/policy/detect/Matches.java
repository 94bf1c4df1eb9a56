package org.sealrelay.policy.detect;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pattern matching for the built-in detectors, tried only where a match can start.
 *
 * <p>{@link Matcher#find()} attempts a match at every position of the text, and a pattern that
 * opens with a lookbehind gives the regex engine no literal to skip ahead with, so most of a
 * scan is spent on letters and spaces where no candidate can begin. Here a table of possible
 * first characters rejects those positions first, and the pattern runs with
 * {@link Matcher#lookingAt()} only at the others. Matches are reported left to right without
 * overlap, exactly as repeated {@code find()} calls report them, provided every match of the
 * pattern starts with a character of the start set.
 */
final class Matches {
    private Matches() {
    }

    /** Returns whether {@code c} is an ASCII digit. */
    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Returns whether {@code c} is an ASCII letter. */
    static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * The characters a match can start with, and optionally the characters that cannot come
     * right before a match (what the pattern's lookbehind rejects). Characters outside ASCII
     * count as possible starts only in sets for case-insensitive patterns.
     */
    static final class StartSet {
        /** The kind of {@link ScanText} run start that every possible start of a match is, if any. */
        private enum Runs { NONE, DIGITS, LETTERS }

        private final boolean[] ascii = new boolean[128];
        private final boolean nonAscii;
        private java.util.function.IntPredicate rejectedBefore = c -> false;
        private Runs runs = Runs.NONE;
        /** The ASCII characters allowed right after a start, or null when any character is. */
        private boolean[] second;

        private StartSet(boolean nonAscii) {
            this.nonAscii = nonAscii;
        }

        /**
         * Returns this set, also rejecting a start right after a character that {@code before}
         * accepts. {@code before} must accept only characters after which the pattern's
         * lookbehind fails, so that no match is skipped.
         */
        StartSet notAfter(java.util.function.IntPredicate before) {
            rejectedBefore = before;
            runs = onlyRunStarts();
            return this;
        }

        /**
         * Returns this set, also rejecting a start that is the last character of the text or is
         * followed by an ASCII character other than {@code characters}, in either case. For
         * case-insensitive patterns whose every match is at least two characters long.
         */
        StartSet followedByIgnoringCase(String characters) {
            second = new boolean[128];
            for (int i = 0; i < characters.length(); i++) {
                char c = characters.charAt(i);
                second[Character.toLowerCase(c)] = true;
                second[Character.toUpperCase(c)] = true;
            }
            return this;
        }

        /**
         * Returns the kind of run start every possible start is: a set of digits that cannot
         * follow a digit only starts matches where a digit run starts, and likewise for letters.
         */
        private Runs onlyRunStarts() {
            boolean digits = true;
            boolean letters = true;
            for (int c = 0; c < 128; c++) {
                if (ascii[c]) {
                    digits &= isDigit(c);
                    letters &= isAsciiLetter(c);
                }
                if (isDigit(c) && !rejectedBefore.test(c)) {
                    digits = false;
                }
                if (isAsciiLetter(c) && !rejectedBefore.test(c)) {
                    letters = false;
                }
            }
            if (digits && !nonAscii) {
                return Runs.DIGITS;
            }
            return letters ? Runs.LETTERS : Runs.NONE;
        }

        /** Returns whether a match can start at {@code position} of {@code text}. */
        boolean canStartAt(CharSequence text, int position) {
            return contains(text.charAt(position))
                    && (position == 0 || !rejectedBefore.test(text.charAt(position - 1)))
                    && (second == null || allowedSecond(text, position + 1));
        }

        private boolean allowedSecond(CharSequence text, int position) {
            if (position >= text.length()) {
                return false;
            }
            char c = text.charAt(position);
            return c >= 128 || second[c];
        }

        /**
         * Returns the ascending positions of {@code text} that include every possible start, or
         * null when every position has to be tried.
         */
        int[] candidates(CharSequence text) {
            if (!(text instanceof ScanText scan)) {
                return null;
            }
            return switch (runs) {
                case DIGITS -> scan.digitRunStarts();
                case LETTERS -> scan.letterRunStarts();
                case NONE -> null;
            };
        }

        /** Returns the set of the ASCII digits. */
        static StartSet digits() {
            return of("0123456789");
        }

        /** Returns the set of the given ASCII characters, for case-sensitive patterns. */
        static StartSet of(String characters) {
            StartSet set = new StartSet(false);
            for (int i = 0; i < characters.length(); i++) {
                char c = characters.charAt(i);
                if (c >= 128) {
                    throw new IllegalArgumentException("start set character " + (int) c + " is not ASCII");
                }
                set.ascii[c] = true;
            }
            return set;
        }

        /**
         * Returns the set of the given ASCII letters in both cases, for case-insensitive patterns.
         * Non-ASCII characters stay possible, because Unicode case folding maps some of them
         * (such as the Kelvin sign) to ASCII letters.
         */
        static StartSet ignoringCase(String letters) {
            StartSet set = new StartSet(true);
            for (int i = 0; i < letters.length(); i++) {
                char c = letters.charAt(i);
                set.ascii[Character.toLowerCase(c)] = true;
                set.ascii[Character.toUpperCase(c)] = true;
            }
            return set;
        }

        boolean contains(char c) {
            return c >= 128 ? nonAscii : ascii[c];
        }
    }

    /** Calls {@code action} for each match of {@code candidate} in {@code text}, left to right. */
    static void forEach(Pattern candidate, StartSet start, CharSequence text, Consumer<Matcher> action) {
        int[] candidates = start.candidates(text);
        CharSequence plain = ScanText.unwrap(text);
        Matcher matcher = candidate.matcher(plain);
        // Transparent bounds let lookbehind and lookahead see the text outside the region.
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        int length = plain.length();
        if (candidates != null) {
            int consumed = 0;
            for (int position : candidates) {
                if (position >= consumed && start.canStartAt(plain, position)) {
                    matcher.region(position, length);
                    if (matcher.lookingAt()) {
                        action.accept(matcher);
                        consumed = Math.max(matcher.end(), position + 1);
                    }
                }
            }
            return;
        }
        int position = 0;
        while (position < length) {
            if (!start.canStartAt(plain, position)) {
                position++;
                continue;
            }
            matcher.region(position, length);
            if (matcher.lookingAt()) {
                action.accept(matcher);
                position = Math.max(matcher.end(), position + 1);
            } else {
                position++;
            }
        }
    }

    /**
     * Returns how many matches of {@code candidate} that start within {@code ranges} the check
     * accepts. For candidates that only count near context words: {@code ranges} come from
     * {@link ContextWords.Index#candidateStarts}, so the rest of the text is not searched. Matches
     * may run past the end of a range, and they do not overlap.
     */
    static int countValidWithin(Pattern candidate, StartSet start, CharSequence text, List<int[]> ranges,
            Predicate<Matcher> check) {
        int[] candidates = start.candidates(text);
        CharSequence plain = ScanText.unwrap(text);
        Matcher matcher = candidate.matcher(plain);
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        int length = plain.length();
        int count = 0;
        int consumed = 0;
        for (int[] range : ranges) {
            int end = Math.min(range[1], length);
            if (candidates != null) {
                for (int i = firstAtLeast(candidates, Math.max(range[0], consumed));
                        i < candidates.length && candidates[i] < end; i++) {
                    int position = candidates[i];
                    if (position >= consumed && start.canStartAt(plain, position)) {
                        matcher.region(position, length);
                        if (matcher.lookingAt()) {
                            if (check.test(matcher)) {
                                count++;
                            }
                            consumed = Math.max(matcher.end(), position + 1);
                        }
                    }
                }
                continue;
            }
            int position = Math.max(range[0], consumed);
            while (position < end) {
                if (!start.canStartAt(plain, position)) {
                    position++;
                    continue;
                }
                matcher.region(position, length);
                if (matcher.lookingAt()) {
                    if (check.test(matcher)) {
                        count++;
                    }
                    position = Math.max(matcher.end(), position + 1);
                    consumed = position;
                } else {
                    position++;
                }
            }
        }
        return count;
    }

    /** Returns the index of the first element of {@code sorted} not below {@code value}, or its length. */
    private static int firstAtLeast(int[] sorted, int value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** Returns how many matches of {@code candidate} in {@code text} the check accepts. */
    static int countValid(Pattern candidate, StartSet start, CharSequence text, Predicate<Matcher> check) {
        int[] count = {0};
        forEach(candidate, start, text, matcher -> {
            if (check.test(matcher)) {
                count[0]++;
            }
        });
        return count[0];
    }
}
