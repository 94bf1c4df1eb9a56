package org.sealrelay.policy.rules;

import java.util.Objects;

/** One named rule: when its condition holds for a recipient, its action decides. */
record Rule(String name, Condition when, RuleAction action) {
    Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(action, "action");
    }

    /** Returns whether this rule is tested before the others and skips content rules when it matches. */
    boolean exempt() {
        return action.exempt();
    }
}
