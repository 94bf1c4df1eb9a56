package org.sealrelay.policy.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Context words that must appear near a candidate for it to count, such as "diagnosis" near an
 * ICD-10 code. Windows are measured in characters between the end of a word and the start of
 * the candidate (before) or the end of the candidate and the start of a word (after).
 */
final class ContextWords {
    private final Pattern words;
    private final Matches.StartSet start;
    private final int before;
    private final int after;

    /**
     * @param alternatives regular expression alternatives, matched case-insensitively as whole words
     * @param firstLetters every letter an alternative can start with, in either case
     * @param secondCharacters every character that can follow the first letter of an alternative,
     *     in either case, or null to try every first letter
     * @param before maximum characters between a word and a following candidate
     * @param after maximum characters between a candidate and a following word; 0 to look only before
     */
    ContextWords(String alternatives, String firstLetters, String secondCharacters, int before, int after) {
        Matches.StartSet first = Matches.StartSet.ignoringCase(firstLetters).notAfter(Character::isLetterOrDigit);
        this.start = secondCharacters == null ? first : first.followedByIgnoringCase(secondCharacters);
        this.words = Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        this.before = before;
        this.after = after;
    }

    /** Finds every context word once, so that candidates can be checked without rescanning. */
    Index index(CharSequence text) {
        List<Integer> starts = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        Matches.forEach(words, start, text, matcher -> {
            starts.add(matcher.start());
            ends.add(matcher.end());
        });
        return new Index(starts.stream().mapToInt(Integer::intValue).toArray(),
                ends.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The positions of the context words in one text. Matches do not overlap, so starts and ends
     * are both ascending and a binary search finds the nearest word on each side of a candidate.
     * That keeps the check logarithmic on hostile text full of candidates and context words.
     */
    final class Index {
        private final int[] starts;
        private final int[] ends;

        private Index(int[] starts, int[] ends) {
            this.starts = starts;
            this.ends = ends;
        }

        boolean isEmpty() {
            return starts.length == 0;
        }

        /**
         * Returns the sorted, disjoint ranges {@code [from, to)} of positions where a candidate
         * of at most {@code maxLength} characters must start to be {@link #near} a word: up to
         * {@code before} characters after a word's end, or, with a window after candidates, up to
         * {@code after + maxLength} characters before a word's start.
         */
        List<int[]> candidateStarts(int maxLength, int textLength) {
            List<int[]> ranges = new ArrayList<>();
            for (int i = 0; i < starts.length; i++) {
                ranges.add(new int[] {ends[i], Math.min(textLength, ends[i] + ContextWords.this.before + 1)});
                if (after > 0) {
                    ranges.add(new int[] {Math.max(0, starts[i] - after - maxLength), starts[i] + 1});
                }
            }
            ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
            List<int[]> merged = new ArrayList<>();
            for (int[] range : ranges) {
                int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && range[0] <= last[1]) {
                    last[1] = Math.max(last[1], range[1]);
                } else {
                    merged.add(range.clone());
                }
            }
            return merged;
        }

        /** Whether a context word lies within the window around {@code [start, end)}. */
        boolean near(int start, int end) {
            int before = lastAtMost(ends, start);
            if (before >= 0 && start - ends[before] <= ContextWords.this.before) {
                return true;
            }
            if (after == 0) {
                return false;
            }
            int following = before + 1;
            while (following < starts.length && starts[following] < end) {
                following++;
            }
            return following < starts.length && starts[following] - end <= after;
        }

        private static int lastAtMost(int[] sorted, int value) {
            int low = 0;
            int high = sorted.length - 1;
            int found = -1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                if (sorted[middle] <= value) {
                    found = middle;
                    low = middle + 1;
                } else {
                    high = middle - 1;
                }
            }
            return found;
        }
    }
}
