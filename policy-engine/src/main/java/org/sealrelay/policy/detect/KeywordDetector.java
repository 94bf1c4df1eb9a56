package org.sealrelay.policy.detect;

import java.util.List;
import java.util.Objects;

/**
 * Counts whole-word, case-insensitive occurrences of the words and phrases of one dictionary,
 * such as drug names or diagnoses, with an {@link AhoCorasick} automaton.
 */
public final class KeywordDetector implements Detector {
    private final String name;
    private final AhoCorasick automaton;

    /**
     * @param name detector name used in rules
     * @param keywords words or phrases; must not be empty strings
     */
    public KeywordDetector(String name, List<String> keywords) {
        this.name = Objects.requireNonNull(name, "name");
        if (keywords.isEmpty()) {
            throw new IllegalArgumentException("keyword dictionary " + name + " is empty");
        }
        this.automaton = new AhoCorasick(keywords);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int count(CharSequence scanned) {
        CharSequence text = ScanText.unwrap(scanned);
        int count = 0;
        for (AhoCorasick.Match match : automaton.findAll(text)) {
            if (isWordBoundary(text, match.start() - 1) && isWordBoundary(text, match.end())) {
                count++;
            }
        }
        return count;
    }

    private static boolean isWordBoundary(CharSequence text, int index) {
        return index < 0 || index >= text.length() || !Character.isLetterOrDigit(text.charAt(index));
    }
}
