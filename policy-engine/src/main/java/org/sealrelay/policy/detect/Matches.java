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
     * always count as possible starts.
     */
    static final class StartSet {
        private final boolean[] ascii = new boolean[128];
        private java.util.function.IntPredicate rejectedBefore = c -> false;

        private StartSet() {
        }

        /**
         * Returns this set, also rejecting a start right after a character that {@code before}
         * accepts. {@code before} must accept only characters after which the pattern's
         * lookbehind fails, so that no match is skipped.
         */
        StartSet notAfter(java.util.function.IntPredicate before) {
            rejectedBefore = before;
            return this;
        }

        /** Returns whether a match can start at {@code position} of {@code text}. */
        boolean canStartAt(CharSequence text, int position) {
            return contains(text.charAt(position))
                    && (position == 0 || !rejectedBefore.test(text.charAt(position - 1)));
        }

        /** Returns the set of the ASCII digits. */
        static StartSet digits() {
            return of("0123456789");
        }

        /** Returns the set of the given ASCII characters. */
        static StartSet of(String characters) {
            StartSet set = new StartSet();
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
            StartSet set = new StartSet();
            for (int i = 0; i < letters.length(); i++) {
                char c = letters.charAt(i);
                set.ascii[Character.toLowerCase(c)] = true;
                set.ascii[Character.toUpperCase(c)] = true;
            }
            return set;
        }

        boolean contains(char c) {
            return c >= 128 || ascii[c];
        }
    }

    /** Calls {@code action} for each match of {@code candidate} in {@code text}, left to right. */
    static void forEach(Pattern candidate, StartSet start, CharSequence text, Consumer<Matcher> action) {
        Matcher matcher = candidate.matcher(text);
        // Transparent bounds let lookbehind and lookahead see the text outside the region.
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        int length = text.length();
        int position = 0;
        while (position < length) {
            if (!start.canStartAt(text, position)) {
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
        Matcher matcher = candidate.matcher(text);
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        int length = text.length();
        int count = 0;
        int consumed = 0;
        for (int[] range : ranges) {
            int position = Math.max(range[0], consumed);
            int end = Math.min(range[1], length);
            while (position < end) {
                if (!start.canStartAt(text, position)) {
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
