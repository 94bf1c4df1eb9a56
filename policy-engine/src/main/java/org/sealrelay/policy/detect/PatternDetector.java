package org.sealrelay.policy.detect;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Counts matches of a regular expression, for identifiers whose shape differs per organisation,
 * such as medical record numbers. A pattern from the rules file runs within a
 * {@link RegexBudget}, so {@link #count} throws {@link RegexBudgetExceededException} on
 * catastrophic backtracking. The built-in MRN pattern ({@link #defaultMrn()}) needs no budget
 * and is tried only where it can start.
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
    private final Matches.StartSet start;

    public PatternDetector(String name, Pattern pattern) {
        this(name, pattern, null);
    }

    /**
     * A detector for a pattern of the gateway's own, which cannot backtrack without bound, so it
     * runs without a read budget and only where {@code start} allows a match to begin.
     */
    PatternDetector(String name, Pattern pattern, Matches.StartSet start) {
        this.name = Objects.requireNonNull(name, "name");
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.start = start;
    }

    /** Returns the built-in MRN detector: {@link #DEFAULT_MRN_PATTERN}, which starts with M at a word boundary. */
    static PatternDetector defaultMrn() {
        // Java's \b counts letters, digits and '_' as word characters, so none of them can
        // come right before a match.
        return new PatternDetector("mrn", Pattern.compile(DEFAULT_MRN_PATTERN),
                Matches.StartSet.ignoringCase("m").notAfter(c -> c == '_' || Character.isLetterOrDigit(c)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int count(CharSequence text) {
        if (start != null) {
            return Matches.countValid(pattern, start, text, match -> true);
        }
        return RegexBudget.count(pattern, ScanText.unwrap(text), "detector " + name);
    }
}
