package org.sealrelay.policy.rules;

import java.util.List;

/**
 * One test of a rule's {@code when} clause. Conditions are immutable and thread-safe.
 */
interface Condition {
    /** A condition that always holds, for rules without {@code when}. */
    Condition ALWAYS = (evaluation, evidence) -> true;

    /**
     * Tests the condition and, when it holds, appends what matched to {@code evidence}. Evidence
     * names the condition kind and detector counts, never message content.
     */
    boolean test(Evaluation evaluation, List<String> evidence);
}
