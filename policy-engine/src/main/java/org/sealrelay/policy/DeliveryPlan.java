package org.sealrelay.policy;

import java.util.List;

/**
 * Ordered methods to try for one recipient. A step that cannot be completed (for example the
 * required TLS level is not available) hands the recipient to the next step; with none left the
 * recipient is deferred and finally bounced, never sent at a weaker level.
 */
public record DeliveryPlan(List<PlanStep> steps) {
    public DeliveryPlan {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a delivery plan needs at least one step");
        }
    }

    /** Returns a plan with a single relay step at the given level. */
    public static DeliveryPlan relay(TlsLevel level) {
        return new DeliveryPlan(List.of(PlanStep.relay(level)));
    }

    /** Returns the first step. */
    public PlanStep first() {
        return steps.get(0);
    }

    @Override
    public String toString() {
        return steps.toString();
    }
}
