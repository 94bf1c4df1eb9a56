package org.sealrelay.gateway.tlsrpt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The sessions of one day under one policy: the {@code summary} and {@code failure-details} of
 * one entry in the {@code policies} array of RFC 8460 section 4.4.
 *
 * @param policy the policy in force
 * @param successes sessions that negotiated TLS as the policy requires
 * @param failures failed sessions by failure detail, in the order they were first seen
 */
public record PolicyTally(ReportPolicy policy, long successes, Map<FailureDetail, Long> failures) {
    public PolicyTally {
        Objects.requireNonNull(policy, "policy");
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** Returns the sum of all failed session counts. */
    public long totalFailures() {
        long total = 0;
        for (long count : failures.values()) {
            total += count;
        }
        return total;
    }
}
