package org.sealrelay.gateway.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Reads the {@code delivery.tls-reporting} section into a {@link TlsReportingConfig}. */
final class TlsReportingConfigParser {
    private static final Pattern DOMAIN =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>\"]+@[A-Za-z0-9.-]+");
    private static final Pattern SEND_TIME = Pattern.compile("\\d{2}:\\d{2}");

    private TlsReportingConfigParser() {
    }

    static TlsReportingConfig parse(ConfigNode node, String hostname, String postmaster) throws ConfigException {
        if (node == null) {
            return TlsReportingConfig.disabled(hostname, postmaster);
        }
        boolean enabled = node.bool("enabled", false);
        String organization = node.string("organization-name", null);
        String contact = node.string("contact-info", null);
        String submitter = node.string("submitter", hostname);
        String from = node.string("from-address", postmaster);
        String sendTimeText = node.string("send-time", TlsReportingConfig.DEFAULT_SEND_TIME.toString());
        String jitterText = node.string("send-jitter", null);
        Duration jitter = node.duration("send-jitter", TlsReportingConfig.DEFAULT_SEND_JITTER);
        node.rejectUnknownKeys();

        if (enabled && (organization == null || organization.isEmpty())) {
            throw node.invalid("organization-name",
                    "missing: name the organization that sends the reports, as receivers will see it");
        }
        if (enabled && (contact == null || contact.isEmpty())) {
            throw node.invalid("contact-info", "missing: give an address or URL where receivers can reach you");
        }
        if (!DOMAIN.matcher(submitter).matches()) {
            throw node.invalid("submitter", "invalid domain '" + submitter + "': expected a name such as hospital.example");
        }
        if (!ADDRESS.matcher(from).matches()) {
            throw node.invalid("from-address", "invalid address '" + from + "': expected local-part@domain");
        }
        if (!SEND_TIME.matcher(sendTimeText).matches()) {
            throw node.invalid("send-time", "invalid time '" + sendTimeText + "': expected HH:MM in UTC, such as 00:30");
        }
        LocalTime sendTime;
        try {
            sendTime = LocalTime.parse(sendTimeText);
        } catch (DateTimeParseException e) {
            throw node.invalid("send-time", "invalid time '" + sendTimeText + "': expected HH:MM in UTC, such as 00:30");
        }
        if (jitter.compareTo(TlsReportingConfig.MAX_SEND_JITTER) > 0) {
            throw node.invalid("send-jitter", "invalid duration '" + jitterText + "': expected at most 23h");
        }
        return new TlsReportingConfig(enabled, organization == null ? hostname : organization,
                contact == null ? postmaster : contact, submitter, from, sendTime, jitter);
    }
}
