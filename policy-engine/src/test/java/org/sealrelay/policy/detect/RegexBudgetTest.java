package org.sealrelay.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RegexBudgetTest {
    /**
     * Catastrophic on JDK 17: the back-reference turns off the memoisation that keeps
     * {@code (a+)+b} itself linear there, so each start position costs about 2^n steps.
     */
    private static final Pattern CATASTROPHIC = Pattern.compile("(a+)+\\1b");
    private static final String RUN_OF_A = "a".repeat(40) + "!";

    @Test
    void findStopsCatastrophicPattern() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> RegexBudget.find(CATASTROPHIC, RUN_OF_A, "body"))
                    .isInstanceOf(RegexBudgetExceededException.class)
                    .hasMessage("regular expression of body exceeded its budget of 1000000 character reads;"
                            + " simplify nested quantifiers in the pattern");
        });
    }

    @Test
    void countStopsCatastrophicPattern() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> RegexBudget.count(CATASTROPHIC, RUN_OF_A, "detector mrn"))
                    .isInstanceOf(RegexBudgetExceededException.class)
                    .extracting(e -> ((RegexBudgetExceededException) e).source())
                    .isEqualTo("detector mrn");
        });
    }

    @Test
    void nestedQuantifierOnShortTextFinishes() {
        boolean found = RegexBudget.find(Pattern.compile("(a+)+b"), RUN_OF_A, "body");

        assertThat(found).isFalse();
    }

    /** {@code (a+)+b} is quadratic on JDK 17, because find() retries from every start position. */
    @Test
    void nestedQuantifierOnLongRunIsStopped() {
        String text = "a".repeat(100_000) + "!";

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThatThrownBy(() -> RegexBudget.find(Pattern.compile("(a+)+b"), text, "body"))
                    .isInstanceOf(RegexBudgetExceededException.class);
        });
    }

    @Test
    void ordinaryPatternsFitTheBudget() {
        String text = "Patient follow-up, see the attached letter. ".repeat(50_000) + "MRN: 00482913";

        assertThat(RegexBudget.find(Pattern.compile("(?i)\\bconfidential\\b"), text, "body")).isFalse();
        assertThat(RegexBudget.count(Pattern.compile(PatternDetector.DEFAULT_MRN_PATTERN), text, "detector mrn"))
                .isEqualTo(1);
        assertThat(RegexBudget.find(Pattern.compile("(?i)\\b(?:lab|test) results?\\b"), text, "body")).isFalse();
    }

    @Test
    void budgetGrowsWithText() {
        assertThat(RegexBudget.readsFor(10)).isEqualTo(RegexBudget.MIN_READS);
        assertThat(RegexBudget.readsFor(1_000_000)).isEqualTo(200_000_000L);
    }

    @Test
    void detectorSetCountsOverBudgetDetectorAsFound() {
        DetectorSet set = DetectorSet.of(java.util.List.of(new PatternDetector("mrn", CATASTROPHIC)));

        DetectorSet.Scan scan = set.scanAll(RUN_OF_A);

        assertThat(scan.overBudget()).containsExactly("mrn");
        assertThat(scan.counts()).containsEntry("mrn", 1).containsEntry("ssn", 0);
    }
}
