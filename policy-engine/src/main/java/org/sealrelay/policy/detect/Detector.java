package org.sealrelay.policy.detect;

/**
 * Finds one kind of protected health information in text and counts it. A detector validates
 * each candidate (check digits, number ranges, nearby context words) instead of counting bare
 * pattern matches, and reports only a count, never the matched text.
 *
 * <p>Implementations are immutable and safe to use from several threads.
 */
public interface Detector {
    /** Returns the name rules use to refer to this detector, such as {@code ssn}. */
    String name();

    /** Returns how many valid occurrences the text contains. */
    int count(CharSequence text);
}
