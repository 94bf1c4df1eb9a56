package org.sealrelay.gateway.tlsrpt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Builds the aggregate report of RFC 8460 section 4 for one policy domain and one UTC day, its
 * gzip form (section 5.2) and its file name (section 5.1).
 *
 * <p>Fields without a known value, such as {@code receiving-ip} for a policy fetch that failed
 * before any connection, are left out rather than sent empty. The optional fields
 * {@code receiving-mx-helo}, {@code additional-information} and {@code failure-reason-code}
 * are never sent.
 */
public final class AggregateReport {
    /** The media type of a gzip-compressed report (RFC 8460 section 6.5). */
    public static final String GZIP_MEDIA_TYPE = "application/tlsrpt+gzip";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private AggregateReport() {
    }

    /** Returns the first second of {@code day} in UTC, the report's start-datetime. */
    public static Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Returns the last second of {@code day} in UTC, the report's end-datetime (section 4.1: 00:00 to 24:00 UTC). */
    public static Instant end(LocalDate day) {
        return start(day.plusDays(1)).minusSeconds(1);
    }

    /**
     * Returns the report as UTF-8 JSON.
     *
     * @param organizationName the sending organization
     * @param contactInfo where the domain owner can reach the sender
     * @param reportId a unique identifier of this report
     */
    public static byte[] json(DomainTally tally, String organizationName, String contactInfo, String reportId) {
        ObjectNode root = JSON.createObjectNode();
        root.put("organization-name", organizationName);
        ObjectNode dateRange = root.putObject("date-range");
        dateRange.put("start-datetime", DATE_TIME.format(start(tally.day())));
        dateRange.put("end-datetime", DATE_TIME.format(end(tally.day())));
        root.put("contact-info", contactInfo);
        root.put("report-id", reportId);
        ArrayNode policies = root.putArray("policies");
        for (PolicyTally policyTally : tally.policies()) {
            addPolicy(policies.addObject(), policyTally);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the TLS report for " + tally.domain() + " failed", e);
        }
    }

    private static void addPolicy(ObjectNode entry, PolicyTally tally) {
        ReportPolicy policy = tally.policy();
        ObjectNode policyNode = entry.putObject("policy");
        policyNode.put("policy-type", policy.type().reportName());
        if (!policy.policyStrings().isEmpty()) {
            policy.policyStrings().forEach(policyNode.putArray("policy-string")::add);
        }
        policyNode.put("policy-domain", policy.domain());
        if (!policy.mxHosts().isEmpty()) {
            policy.mxHosts().forEach(policyNode.putArray("mx-host")::add);
        }
        ObjectNode summary = entry.putObject("summary");
        summary.put("total-successful-session-count", tally.successes());
        summary.put("total-failure-session-count", tally.totalFailures());
        ArrayNode details = entry.putArray("failure-details");
        for (Map.Entry<FailureDetail, Long> failure : tally.failures().entrySet()) {
            FailureDetail detail = failure.getKey();
            ObjectNode detailNode = details.addObject();
            detailNode.put("result-type", detail.resultType().reportName());
            putIfKnown(detailNode, "sending-mta-ip", detail.sendingMtaIp());
            putIfKnown(detailNode, "receiving-mx-hostname", detail.receivingMxHostname());
            putIfKnown(detailNode, "receiving-ip", detail.receivingIp());
            detailNode.put("failed-session-count", failure.getValue());
        }
    }

    private static void putIfKnown(ObjectNode node, String field, String value) {
        if (!value.isEmpty()) {
            node.put(field, value);
        }
    }

    /** Returns {@code json} compressed with gzip (RFC 8460 section 5.2). */
    public static byte[] gzip(byte[] json) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(json.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(buffer)) {
            gzip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("compressing a TLS report failed", e);
        }
        return buffer.toByteArray();
    }

    /**
     * Returns the file name of the gzip report, {@code submitter!policy-domain!begin!end.json.gz}
     * with the range in seconds since the epoch (RFC 8460 section 5.1).
     */
    public static String fileName(String submitter, DomainTally tally) {
        return submitter + "!" + tally.domain() + "!" + start(tally.day()).getEpochSecond() + "!"
                + end(tally.day()).getEpochSecond() + ".json.gz";
    }
}
