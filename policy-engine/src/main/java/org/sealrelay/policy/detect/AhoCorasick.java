package org.sealrelay.policy.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Multi-keyword matcher after Aho and Corasick's automaton: one
 * pass over the text finds every occurrence of every keyword, whatever the number of keywords.
 * Matching is case-insensitive by lower-casing both sides with {@link Locale#ROOT}, char by
 * char, so keywords whose lower case changes length (rare outside Turkish and German ß) may
 * not match.
 *
 * <p>The trie with its failure links is compiled into a transition table over the characters
 * that occur in the keywords (one column each, plus one for every other character), so matching
 * costs one array read per character of the text.
 *
 * <p>Built once and immutable afterwards, so safe to share between threads.
 */
final class AhoCorasick {
    /** A match: {@code [start, end)} in the text. */
    record Match(int start, int end) {
    }

    private final List<Map<Character, Integer>> transitions = new ArrayList<>();
    private final List<Integer> failure = new ArrayList<>();
    /** Lengths of the keywords that end at each state, not counting those reached by failure links. */
    private final List<int[]> keywordLengths = new ArrayList<>();
    /** The nearest state on the failure chain that ends a keyword, or -1 when there is none. */
    private final List<Integer> outputLink = new ArrayList<>();

    /** Column of each ASCII character in {@link #next}; the last column stands for characters in no keyword. */
    private final int[] asciiColumns = new int[128];
    /** Columns of the non-ASCII characters that occur in keywords. */
    private final Map<Character, Integer> otherColumns = new HashMap<>();
    private int columns;
    /** The transition table: the state after state s reads the character of column c is next[s * columns + c]. */
    private int[] next;
    private int[] outputs;
    private int[][] lengths;

    AhoCorasick(List<String> keywords) {
        newState();
        for (String keyword : keywords) {
            if (keyword.isEmpty()) {
                throw new IllegalArgumentException("keywords must not be empty");
            }
            addKeyword(keyword.toLowerCase(Locale.ROOT));
        }
        List<Integer> order = linkFailures();
        compile(order);
    }

    /** Returns every occurrence, in order of end position. */
    List<Match> findAll(CharSequence text) {
        List<Match> matches = new ArrayList<>();
        int other = columns - 1;
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            int column = c < 128 ? asciiColumns[c] : otherColumns.getOrDefault(c, other);
            state = next[state * columns + column];
            for (int output = outputs[state]; output > 0; output = outputLink.get(output)) {
                for (int length : lengths[output]) {
                    matches.add(new Match(i + 1 - length, i + 1));
                }
            }
        }
        return matches;
    }

    /**
     * Builds the transition table in breadth-first order, so that the row of a state's failure
     * target is complete before the state's own row copies the missing transitions from it.
     */
    private void compile(List<Integer> order) {
        Map<Character, Integer> columnOf = new HashMap<>();
        for (Map<Character, Integer> edges : transitions) {
            for (char c : edges.keySet()) {
                columnOf.putIfAbsent(c, columnOf.size());
            }
        }
        columns = columnOf.size() + 1;
        java.util.Arrays.fill(asciiColumns, columns - 1);
        for (Map.Entry<Character, Integer> entry : columnOf.entrySet()) {
            char c = entry.getKey();
            if (c < 128) {
                asciiColumns[c] = entry.getValue();
            } else {
                otherColumns.put(c, entry.getValue());
            }
        }
        int states = transitions.size();
        next = new int[states * columns];
        for (int state : order) {
            int fallbackRow = failure.get(state) * columns;
            int row = state * columns;
            for (Map.Entry<Character, Integer> column : columnOf.entrySet()) {
                Integer target = transitions.get(state).get(column.getKey());
                next[row + column.getValue()] = target != null ? target
                        : state == 0 ? 0 : next[fallbackRow + column.getValue()];
            }
        }
        outputs = new int[states];
        lengths = new int[states][];
        for (int state = 0; state < states; state++) {
            outputs[state] = keywordLengths.get(state).length > 0 ? state : Math.max(outputLink.get(state), 0);
            lengths[state] = keywordLengths.get(state);
        }
    }

    private int newState() {
        transitions.add(new HashMap<>());
        failure.add(0);
        keywordLengths.add(new int[0]);
        outputLink.add(-1);
        return transitions.size() - 1;
    }

    private void addKeyword(String keyword) {
        int state = 0;
        for (int i = 0; i < keyword.length(); i++) {
            Integer next = transitions.get(state).get(keyword.charAt(i));
            if (next == null) {
                next = newState();
                transitions.get(state).put(keyword.charAt(i), next);
            }
            state = next;
        }
        int[] lengths = keywordLengths.get(state);
        for (int length : lengths) {
            if (length == keyword.length()) {
                return;
            }
        }
        int[] extended = java.util.Arrays.copyOf(lengths, lengths.length + 1);
        extended[lengths.length] = keyword.length();
        keywordLengths.set(state, extended);
    }

    // Breadth-first, so a state's failure target is always finished before the state itself.
    // Returns the states in that order, the root first.
    private List<Integer> linkFailures() {
        List<Integer> order = new ArrayList<>();
        order.add(0);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : transitions.get(0).values()) {
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int state = queue.remove();
            order.add(state);
            for (Map.Entry<Character, Integer> edge : transitions.get(state).entrySet()) {
                int child = edge.getValue();
                int fallback = failure.get(state);
                while (fallback != 0 && !transitions.get(fallback).containsKey(edge.getKey())) {
                    fallback = failure.get(fallback);
                }
                int target = transitions.get(fallback).getOrDefault(edge.getKey(), 0);
                failure.set(child, target == child ? 0 : target);
                int failed = failure.get(child);
                outputLink.set(child, keywordLengths.get(failed).length > 0 ? failed : outputLink.get(failed));
                queue.add(child);
            }
        }
        return order;
    }
}
