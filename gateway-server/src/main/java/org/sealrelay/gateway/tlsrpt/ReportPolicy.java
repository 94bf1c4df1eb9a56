package org.sealrelay.gateway.tlsrpt;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The policy in force for one TLS session, as the {@code policy} object of RFC 8460 section 4.4
 * describes it. Sessions under equal policies are counted together.
 *
 * @param type the policy type
 * @param domain the policy domain, lower case without a trailing dot
 * @param policyStrings the MTA-STS policy as lines, or the TLSA records in presentation format;
 *     empty for {@code no-policy-found}
 * @param mxHosts the MX host patterns of an MTA-STS policy; empty for other types
 */
public record ReportPolicy(PolicyType type, String domain, List<String> policyStrings, List<String> mxHosts) {
    public ReportPolicy {
        Objects.requireNonNull(type, "type");
        domain = normalizeDomain(Objects.requireNonNull(domain, "domain"));
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("policy domain is empty");
        }
        policyStrings = List.copyOf(policyStrings);
        mxHosts = List.copyOf(mxHosts);
    }

    /** Returns the policy of a domain that publishes neither TLSA records nor an MTA-STS policy. */
    public static ReportPolicy noPolicyFound(String domain) {
        return new ReportPolicy(PolicyType.NO_POLICY_FOUND, domain, List.of(), List.of());
    }

    /** Returns an MTA-STS policy given as its lines and MX patterns. */
    public static ReportPolicy sts(String domain, List<String> policyLines, List<String> mxPatterns) {
        return new ReportPolicy(PolicyType.STS, domain, policyLines, mxPatterns);
    }

    /** Returns a DANE policy given as TLSA records in presentation format, such as {@code 3 1 1 ab12...}. */
    public static ReportPolicy tlsa(String domain, List<String> records) {
        return new ReportPolicy(PolicyType.TLSA, domain, records, List.of());
    }

    /** Returns {@code domain} in lower case without a trailing dot, as policy domains are stored. */
    public static String normalizeDomain(String domain) {
        String lower = domain.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
