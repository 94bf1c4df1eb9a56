package org.sealrelay.gateway.tlsrpt;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The sessions of one UTC day for one policy domain: the content of one aggregate report.
 *
 * @param day the UTC day
 * @param domain the policy domain
 * @param policies one tally per distinct policy seen that day
 */
public record DomainTally(LocalDate day, String domain, List<PolicyTally> policies) {
    public DomainTally {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(domain, "domain");
        policies = List.copyOf(policies);
    }

    /** Returns the successful sessions under all policies. */
    public long totalSuccesses() {
        long total = 0;
        for (PolicyTally tally : policies) {
            total += tally.successes();
        }
        return total;
    }

    /** Returns the failed sessions under all policies. */
    public long totalFailures() {
        long total = 0;
        for (PolicyTally tally : policies) {
            total += tally.totalFailures();
        }
        return total;
    }
}
