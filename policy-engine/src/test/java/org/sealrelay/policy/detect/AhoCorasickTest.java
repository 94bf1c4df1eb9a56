package org.sealrelay.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AhoCorasickTest {
    @Test
    void findsOverlappingKeywords() {
        AhoCorasick automaton = new AhoCorasick(List.of("he", "she", "his", "hers"));

        List<AhoCorasick.Match> matches = automaton.findAll("ushers");

        assertThat(matches).containsExactly(
                new AhoCorasick.Match(1, 4), new AhoCorasick.Match(2, 4), new AhoCorasick.Match(2, 6));
    }

    @Test
    void matchesCaseInsensitively() {
        AhoCorasick automaton = new AhoCorasick(List.of("Metformin"));

        assertThat(automaton.findAll("METFORMIN 500 mg, metformin")).hasSize(2);
    }

    @Test
    void findsNothingWithoutKeywordsInText() {
        AhoCorasick automaton = new AhoCorasick(List.of("insulin"));

        assertThat(automaton.findAll("insul in")).isEmpty();
    }
}
