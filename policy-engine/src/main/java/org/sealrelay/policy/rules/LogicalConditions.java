package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.List;

/** The combinators {@code all}, {@code any} and {@code not}. */
final class LogicalConditions {
    private LogicalConditions() {
    }

    /** Holds when every part holds; evidence is that of all parts. */
    record All(List<Condition> parts) implements Condition {
        All {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            List<String> collected = new ArrayList<>();
            for (Condition part : parts) {
                if (!part.test(evaluation, collected)) {
                    return false;
                }
            }
            evidence.addAll(collected);
            return true;
        }
    }

    /** Holds when at least one part holds; evidence is that of the first part that holds. */
    record Any(List<Condition> parts) implements Condition {
        Any {
            parts = List.copyOf(parts);
        }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            for (Condition part : parts) {
                List<String> collected = new ArrayList<>();
                if (part.test(evaluation, collected)) {
                    evidence.addAll(collected);
                    return true;
                }
            }
            return false;
        }
    }

    /** Holds when the inner condition does not; the evidence names the negated kind. */
    record Not(Condition inner, String kind) implements Condition {
        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            if (inner.test(evaluation, new ArrayList<>())) {
                return false;
            }
            evidence.add("not " + kind);
            return true;
        }
    }
}
