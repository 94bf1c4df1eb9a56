package org.sealrelay.gateway.dsn;

/** The RFC 3464 section 2.3.3 action values this gateway reports, with the subject of each report. */
public enum ReportAction {
    /** The recipient failed for good; RET=FULL may return the whole message (RFC 3461 section 4.3). */
    FAILED("failed", "Undelivered Mail Returned to Sender"),
    /** The recipient is still queued and will be retried. */
    DELAYED("delayed", "Delayed Mail (still being retried)"),
    /**
     * The next hop accepted the message but does not offer the DSN extension, so no further
     * report will come for the recipient (RFC 3461 section 5.2.2).
     */
    RELAYED("relayed", "Relayed Mail (no further delivery reports)");

    private final String fieldValue;
    private final String subject;

    ReportAction(String fieldValue, String subject) {
        this.fieldValue = fieldValue;
        this.subject = subject;
    }

    /** Returns the value of the Action field, such as {@code failed}. */
    public String fieldValue() {
        return fieldValue;
    }

    /** Returns the Subject of a report with this action. */
    public String subject() {
        return subject;
    }
}
