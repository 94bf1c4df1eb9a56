package org.sealrelay.policy.detect;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counting of pattern matches that pass a detector's own validation. */
final class Matches {
    private Matches() {
    }

    /** Returns how many matches of {@code candidate} in {@code text} the check accepts. */
    static int countValid(Pattern candidate, CharSequence text, Predicate<Matcher> check) {
        int count = 0;
        Matcher matcher = candidate.matcher(text);
        while (matcher.find()) {
            if (check.test(matcher)) {
                count++;
            }
        }
        return count;
    }
}
