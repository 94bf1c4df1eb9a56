package org.sealrelay.gateway.config;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Objects;

/**
 * SMTP TLS Reporting (RFC 8460) settings, from {@code delivery.tls-reporting}.
 *
 * @param enabled whether session counts are kept on disk and daily reports are sent; off by
 *     default, because reports go to third parties and every domain's rua endpoint receives
 *     this gateway's name and addresses
 * @param organizationName the {@code organization-name} of each report
 * @param contactInfo the {@code contact-info} of each report, such as an address for questions
 * @param submitter the domain that sends the reports, for the {@code TLS-Report-Submitter}
 *     header, the subject and the report file name
 * @param fromAddress the {@code From} address of reports sent by mail
 * @param sendTime the UTC time of day when the previous days' reports are sent
 * @param sendJitter the upper bound of a random delay added to {@code sendTime}, so that many
 *     senders do not reach one endpoint at the same moment
 */
public record TlsReportingConfig(
        boolean enabled,
        String organizationName,
        String contactInfo,
        String submitter,
        String fromAddress,
        LocalTime sendTime,
        Duration sendJitter) {
    /** Send shortly after the UTC day ends, when the report covering it is complete. */
    public static final LocalTime DEFAULT_SEND_TIME = LocalTime.of(0, 30);
    public static final Duration DEFAULT_SEND_JITTER = Duration.ofMinutes(30);
    /** At most one day, so that each day's reports still go out before the next day's. */
    public static final Duration MAX_SEND_JITTER = Duration.ofHours(23);

    public TlsReportingConfig {
        Objects.requireNonNull(organizationName, "organizationName");
        Objects.requireNonNull(contactInfo, "contactInfo");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(fromAddress, "fromAddress");
        Objects.requireNonNull(sendTime, "sendTime");
        Objects.requireNonNull(sendJitter, "sendJitter");
        if (sendJitter.isNegative() || sendJitter.compareTo(MAX_SEND_JITTER) > 0) {
            throw new IllegalArgumentException("invalid send jitter " + sendJitter + ": expected 0 to 23h");
        }
    }

    /** Returns the settings with reporting off. */
    public static TlsReportingConfig disabled(String hostname, String postmaster) {
        return new TlsReportingConfig(false, hostname, postmaster, hostname, postmaster, DEFAULT_SEND_TIME,
                DEFAULT_SEND_JITTER);
    }
}
