package org.sealrelay.gateway.tlsrpt;

import java.util.Objects;

/**
 * What identifies one kind of failed session in the {@code failure-details} of RFC 8460 section
 * 4.4. Failures with equal details are counted together. An empty string means the value is not
 * known, as for a policy failure found before any connection, and the report leaves that field
 * out.
 *
 * @param resultType the result type
 * @param sendingMtaIp the local address of the session
 * @param receivingMxHostname the MX host name that was tried
 * @param receivingIp the address that was connected to
 */
public record FailureDetail(ResultType resultType, String sendingMtaIp, String receivingMxHostname, String receivingIp) {
    public FailureDetail {
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
        receivingMxHostname = ReportPolicy.normalizeDomain(Objects.requireNonNull(receivingMxHostname,
                "receivingMxHostname"));
        Objects.requireNonNull(receivingIp, "receivingIp");
    }

    /** Returns a failure found before any connection was made, such as a failed policy fetch. */
    public static FailureDetail of(ResultType resultType) {
        return new FailureDetail(resultType, "", "", "");
    }
}
