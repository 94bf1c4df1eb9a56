package org.sealrelay.gateway.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.sealrelay.gateway.tlsrpt.DomainTally;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.PolicyTally;
import org.sealrelay.gateway.tlsrpt.ReportPolicy;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;

/**
 * The delivery code's entry point for RFC 8460 session counts. It forwards every count to a
 * {@link TlsReportStore}: an in-memory one until {@link #redirectTo} hands it the gateway's
 * durable store.
 */
final class TlsReportCounters {
    /** Policy types of RFC 8460 section 4.3. */
    enum PolicyType {
        TLSA(org.sealrelay.gateway.tlsrpt.PolicyType.TLSA),
        STS(org.sealrelay.gateway.tlsrpt.PolicyType.STS),
        NO_POLICY_FOUND(org.sealrelay.gateway.tlsrpt.PolicyType.NO_POLICY_FOUND);

        private final org.sealrelay.gateway.tlsrpt.PolicyType reportType;

        PolicyType(org.sealrelay.gateway.tlsrpt.PolicyType reportType) {
            this.reportType = reportType;
        }

        String reportName() {
            return reportType.reportName();
        }
    }

    /** Result types of RFC 8460 section 4.3 that this gateway can tell apart. */
    enum FailureType {
        STARTTLS_NOT_SUPPORTED(ResultType.STARTTLS_NOT_SUPPORTED),
        DNSSEC_INVALID(ResultType.DNSSEC_INVALID),
        STS_POLICY_FETCH_ERROR(ResultType.STS_POLICY_FETCH_ERROR),
        STS_POLICY_INVALID(ResultType.STS_POLICY_INVALID),
        STS_WEBPKI_INVALID(ResultType.STS_WEBPKI_INVALID),
        VALIDATION_FAILURE(ResultType.VALIDATION_FAILURE);

        private final ResultType resultType;

        FailureType(ResultType resultType) {
            this.resultType = resultType;
        }

        ResultType resultType() {
            return resultType;
        }

        String reportName() {
            return resultType.reportName();
        }
    }

    private volatile TlsReportStore store = TlsReportStore.inMemory(Clock.systemUTC());

    /** Sends every later count to {@code target}; counts made before stay where they were. */
    void redirectTo(TlsReportStore target) {
        store = target;
    }

    /** Counts a successful session of {@code domain} under a policy known only by its type. */
    void success(String domain, PolicyType type) {
        store.success(new ReportPolicy(type.reportType, domain, List.of(), List.of()));
    }

    /** Counts a successful session under {@code policy}. */
    void success(ReportPolicy policy) {
        store.success(policy);
    }

    /** Counts a failure of {@code domain} found before any connection, such as a failed policy fetch. */
    void failure(String domain, PolicyType type, FailureType failure) {
        store.failure(new ReportPolicy(type.reportType, domain, List.of(), List.of()),
                FailureDetail.of(failure.resultType()));
    }

    /** Counts a failed session under {@code policy}. */
    void failure(ReportPolicy policy, FailureDetail detail) {
        store.failure(policy, detail);
    }

    /** Returns today's successful session count for {@code domain} under {@code type}. */
    long successes(String domain, PolicyType type) {
        long total = 0;
        for (PolicyTally tally : today(domain, type)) {
            total += tally.successes();
        }
        return total;
    }

    /** Returns today's failure counts by RFC 8460 result type, such as {@code starttls-not-supported}. */
    Map<String, Long> failures(String domain, PolicyType type) {
        Map<String, Long> counts = new TreeMap<>();
        for (PolicyTally tally : today(domain, type)) {
            tally.failures().forEach((detail, count) ->
                    counts.merge(detail.resultType().reportName(), count, Long::sum));
        }
        return counts;
    }

    private List<PolicyTally> today(String domain, PolicyType type) {
        TlsReportStore current = store;
        List<PolicyTally> matching = new ArrayList<>();
        current.domain(current.today(), domain.toLowerCase(Locale.ROOT)).map(DomainTally::policies)
                .orElse(List.of())
                .forEach(tally -> {
                    if (tally.policy().type() == type.reportType) {
                        matching.add(tally);
                    }
                });
        return matching;
    }
}
