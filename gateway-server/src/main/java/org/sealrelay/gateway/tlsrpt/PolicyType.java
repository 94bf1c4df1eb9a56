package org.sealrelay.gateway.tlsrpt;

/** The policy types of RFC 8460 section 4.3, with the names the JSON report uses. */
public enum PolicyType {
    TLSA("tlsa"),
    STS("sts"),
    NO_POLICY_FOUND("no-policy-found");

    private final String reportName;

    PolicyType(String reportName) {
        this.reportName = reportName;
    }

    /** Returns the name in the report, such as {@code no-policy-found}. */
    public String reportName() {
        return reportName;
    }

    /**
     * Returns the type with the given report name.
     *
     * @throws IllegalArgumentException for a name that RFC 8460 does not define
     */
    public static PolicyType fromReportName(String name) {
        for (PolicyType type : values()) {
            if (type.reportName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("invalid policy type '" + name + "': expected tlsa, sts or no-policy-found");
    }
}
