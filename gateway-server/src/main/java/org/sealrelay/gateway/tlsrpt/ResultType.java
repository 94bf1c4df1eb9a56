package org.sealrelay.gateway.tlsrpt;

/** The failure result types of RFC 8460 section 4.3, with the names the JSON report uses. */
public enum ResultType {
    // Negotiation failures (section 4.3.1).
    STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
    CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
    CERTIFICATE_EXPIRED("certificate-expired"),
    CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
    VALIDATION_FAILURE("validation-failure"),
    // DANE policy failures (section 4.3.2.1).
    TLSA_INVALID("tlsa-invalid"),
    DNSSEC_INVALID("dnssec-invalid"),
    DANE_REQUIRED("dane-required"),
    // MTA-STS policy failures (section 4.3.2.2).
    STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
    STS_POLICY_INVALID("sts-policy-invalid"),
    STS_WEBPKI_INVALID("sts-webpki-invalid");

    private final String reportName;

    ResultType(String reportName) {
        this.reportName = reportName;
    }

    /** Returns the name in the report, such as {@code starttls-not-supported}. */
    public String reportName() {
        return reportName;
    }

    /**
     * Returns the type with the given report name.
     *
     * @throws IllegalArgumentException for a name that RFC 8460 does not define
     */
    public static ResultType fromReportName(String name) {
        for (ResultType type : values()) {
            if (type.reportName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("invalid result type '" + name + "': expected one of RFC 8460 section 4.3");
    }
}
