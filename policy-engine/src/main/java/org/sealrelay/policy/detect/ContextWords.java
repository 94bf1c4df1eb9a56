package org.sealrelay.policy.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Context words that must appear near a candidate for it to count, such as "diagnosis" near an
 * ICD-10 code. Windows are measured in characters between the end of a word and the start of
 * the candidate (before) or the end of the candidate and the start of a word (after).
 */
final class ContextWords {
    private final Pattern words;
    private final int before;
    private final int after;

    /**
     * @param alternatives regular expression alternatives, matched case-insensitively as whole words
     * @param before maximum characters between a word and a following candidate
     * @param after maximum characters between a candidate and a following word; 0 to look only before
     */
    ContextWords(String alternatives, int before, int after) {
        this.words = Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + alternatives + ")(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        this.before = before;
        this.after = after;
    }

    /** Finds every context word once, so that candidates can be checked without rescanning. */
    Index index(CharSequence text) {
        List<int[]> spans = new ArrayList<>();
        Matcher matcher = words.matcher(text);
        while (matcher.find()) {
            spans.add(new int[] {matcher.start(), matcher.end()});
        }
        return new Index(spans);
    }

    /** The positions of the context words in one text. */
    final class Index {
        private final List<int[]> spans;

        private Index(List<int[]> spans) {
            this.spans = spans;
        }

        boolean isEmpty() {
            return spans.isEmpty();
        }

        /** Whether a context word lies within the window around {@code [start, end)}. */
        boolean near(int start, int end) {
            for (int[] span : spans) {
                boolean precedes = span[1] <= start && start - span[1] <= before;
                boolean follows = span[0] >= end && span[0] - end <= after && after > 0;
                if (precedes || follows) {
                    return true;
                }
            }
            return false;
        }
    }
}
