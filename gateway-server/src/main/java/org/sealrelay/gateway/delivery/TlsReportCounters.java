package org.sealrelay.gateway.delivery;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts successful and failed TLS sessions per policy domain and policy type, the raw material
 * of an SMTP TLS report (RFC 8460 section 4). Counts live in memory only and restart at zero
 * with the process.
 *
 * <p>NOTE: no report is built or sent: the {@code _smtp._tls} TXT lookup, the JSON report,
 * its per-day windows, the failure details (receiving MX, IPs) and delivery by mail or HTTPS are
 * missing.
 */
final class TlsReportCounters {
    /** Policy types of RFC 8460 section 4.4. */
    enum PolicyType {
        TLSA("tlsa"),
        STS("sts"),
        NO_POLICY_FOUND("no-policy-found");

        private final String reportName;

        PolicyType(String reportName) {
            this.reportName = reportName;
        }

        String reportName() {
            return reportName;
        }
    }

    /** Result types of RFC 8460 section 4.3 that this gateway can tell apart. */
    enum FailureType {
        STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
        DNSSEC_INVALID("dnssec-invalid"),
        STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
        VALIDATION_FAILURE("validation-failure");

        private final String reportName;

        FailureType(String reportName) {
            this.reportName = reportName;
        }

        String reportName() {
            return reportName;
        }
    }

    private record Key(String domain, PolicyType type) {}

    private final Map<Key, AtomicLong> successes = new ConcurrentHashMap<>();
    private final Map<Key, Map<FailureType, AtomicLong>> failures = new ConcurrentHashMap<>();

    void success(String domain, PolicyType type) {
        successes.computeIfAbsent(new Key(normalize(domain), type), key -> new AtomicLong()).incrementAndGet();
    }

    void failure(String domain, PolicyType type, FailureType failure) {
        failures.computeIfAbsent(new Key(normalize(domain), type), key -> new ConcurrentHashMap<>())
                .computeIfAbsent(failure, key -> new AtomicLong())
                .incrementAndGet();
    }

    /** Returns the successful session count for {@code domain} under {@code type}. */
    long successes(String domain, PolicyType type) {
        AtomicLong count = successes.get(new Key(normalize(domain), type));
        return count == null ? 0 : count.get();
    }

    /** Returns the failure counts by RFC 8460 result type, such as {@code starttls-not-supported}. */
    Map<String, Long> failures(String domain, PolicyType type) {
        Map<String, Long> counts = new TreeMap<>();
        Map<FailureType, AtomicLong> byType = failures.get(new Key(normalize(domain), type));
        if (byType != null) {
            byType.forEach((failure, count) -> counts.put(failure.reportName(), count.get()));
        }
        return counts;
    }

    private static String normalize(String domain) {
        return domain.toLowerCase(Locale.ROOT);
    }
}
