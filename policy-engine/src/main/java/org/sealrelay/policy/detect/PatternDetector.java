package org.sealrelay.policy.detect;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Counts matches of a configured regular expression, for identifiers whose shape differs per
 * organisation, such as medical record numbers. The search runs within a {@link RegexBudget},
 * so {@link #count} throws {@link RegexBudgetExceededException} on catastrophic backtracking.
 */
public final class PatternDetector implements Detector {
    /**
     * Default MRN shape: "MRN", "medical record number" or "medical record no." followed by 6 to
     * 12 letters or digits, at least one of them a digit, so that "MRN pending" does not count.
     */
    public static final String DEFAULT_MRN_PATTERN =
            "(?i)\\b(?:MRN|medical record (?:number|no\\.?))\\s*[:#]?\\s*(?=[A-Z]{0,11}\\d)[A-Z0-9]{6,12}\\b";

    private final String name;
    private final Pattern pattern;

    public PatternDetector(String name, Pattern pattern) {
        this.name = Objects.requireNonNull(name, "name");
        this.pattern = Objects.requireNonNull(pattern, "pattern");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int count(CharSequence text) {
        return RegexBudget.count(pattern, text, "detector " + name);
    }
}
