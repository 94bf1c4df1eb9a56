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

    AhoCorasick(List<String> keywords) {
        newState();
        for (String keyword : keywords) {
            if (keyword.isEmpty()) {
                throw new IllegalArgumentException("keywords must not be empty");
            }
            addKeyword(keyword.toLowerCase(Locale.ROOT));
        }
        linkFailures();
    }

    /** Returns every occurrence, in order of end position. */
    List<Match> findAll(CharSequence text) {
        List<Match> matches = new ArrayList<>();
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            while (state != 0 && !transitions.get(state).containsKey(c)) {
                state = failure.get(state);
            }
            state = transitions.get(state).getOrDefault(c, 0);
            for (int output = state; output > 0; output = outputLink.get(output)) {
                for (int length : keywordLengths.get(output)) {
                    matches.add(new Match(i + 1 - length, i + 1));
                }
            }
        }
        return matches;
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
    private void linkFailures() {
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : transitions.get(0).values()) {
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int state = queue.remove();
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
    }
}
