package org.sealrelay.policy.detect;

/**
 * Thrown when a regular expression needs more character reads than {@link RegexBudget} allows,
 * usually because of catastrophic backtracking. The message names where the pattern comes from
 * and the budget, never the pattern's input.
 */
public final class RegexBudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * @param source what the pattern belongs to, such as {@code body} or {@code detector mrn}
     * @param budget the number of character reads that was exceeded
     */
    public RegexBudgetExceededException(String source, long budget) {
        super("regular expression of " + source + " exceeded its budget of " + budget
                + " character reads; simplify nested quantifiers in the pattern", null, false, false);
        this.source = source;
    }

    /** Returns what the pattern belongs to, such as {@code body} or {@code detector mrn}. */
    public String source() {
        return source;
    }
}
