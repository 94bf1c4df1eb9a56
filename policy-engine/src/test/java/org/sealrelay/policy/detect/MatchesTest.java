package org.sealrelay.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MatchesTest {
    private static final String ALPHABET = "0123456789012345-- /.abdeijmnosxyzABDIKMNSX\u212a\u017f#,\n";

    @Test
    void digitPatternMatchesLikeFind() {
        assertSameMatches(Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])"),
                Matches.StartSet.digits());
        assertSameMatches(Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])"),
                Matches.StartSet.digits().notAfter(c -> Matches.isDigit(c) || c == '-'));
        assertSameMatches(Pattern.compile("(?<![\\d-]|\\d[ -])\\d(?:[ -]?\\d){3,6}(?![\\d-]|[ -]\\d)"),
                Matches.StartSet.digits());
    }

    @Test
    void caseInsensitivePatternMatchesLikeFind() {
        // The Kelvin sign and the long s fold to k and s, so they must be tried as starts.
        assertSameMatches(Pattern.compile("(?<![\\p{L}\\p{N}])(?:ssn|social security|dob|kd)(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), Matches.StartSet.ignoringCase("sdk"));
        assertSameMatches(Pattern.compile("(?<![\\p{L}\\p{N}])(?:ssn|social security|dob|kd)(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                Matches.StartSet.ignoringCase("sdk").notAfter(Character::isLetterOrDigit));
    }

    @Test
    void searchNearContextWordsCountsLikeWholeText() {
        Pattern bare = Pattern.compile("(?<![\\d-])(\\d{3})(\\d{2})(\\d{4})(?![\\d-])");
        Matches.StartSet digits = Matches.StartSet.digits().notAfter(c -> Matches.isDigit(c) || c == '-');
        ContextWords words = new ContextWords("ssn|social security", "s", "so", 30, 12);
        Random random = new Random(2);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(30);
            for (int i = 0; i < pieces; i++) {
                text.append(List.of("ssn ", "123456789 ", "social security", " filler text ", "-987654321", "55",
                        "\n", "x").get(random.nextInt(8)));
            }
            ContextWords.Index index = words.index(text);
            int whole = Matches.countValid(bare, digits, text, match -> index.near(match.start(), match.end()));
            int near = Matches.countValidWithin(bare, digits, text, index.candidateStarts(9, text.length()),
                    match -> index.near(match.start(), match.end()));

            assertThat(near).as("count in \"%s\"", text).isEqualTo(whole);
        }
    }

    @Test
    void matchesDoNotOverlap() {
        List<String> found = new ArrayList<>();
        Matches.forEach(Pattern.compile("\\d\\d"), Matches.StartSet.digits(), "12345", matcher -> found.add(matcher.group()));

        assertThat(found).containsExactly("12", "34");
    }

    private static void assertSameMatches(Pattern pattern, Matches.StartSet start) {
        Random random = new Random(1);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                text.append(random.nextBoolean() ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                        : List.of("ssn", "SSN ", "dob:", "social security", "123-45-6789", "1234 5678")
                                .get(random.nextInt(6)));
            }
            List<String> expected = new ArrayList<>();
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                expected.add(matcher.start() + ":" + matcher.group());
            }
            List<String> actual = new ArrayList<>();
            Matches.forEach(pattern, start, text, match -> actual.add(match.start() + ":" + match.group()));

            assertThat(actual).as("matches in \"%s\"", text).isEqualTo(expected);
        }
    }
}
