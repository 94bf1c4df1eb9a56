package org.sealrelay.gateway.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Composes the mail that carries one gzip report to a {@code mailto:} endpoint, as RFC 8460
 * section 5.3 requires: the {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} header
 * fields, the subject {@code Report Domain: D Submitter: S Report-ID: <ID>}, and a
 * {@code multipart/report; report-type="tlsrpt"} body whose second part is the
 * {@code application/tlsrpt+gzip} report named as section 5.1 describes. Lines end in CRLF.
 *
 * <p>The message is unsigned: {@link MailReportSubmitter} adds the DKIM signature that RFC 8460
 * requires when a key covers the From domain.
 */
public final class ReportMessage {
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    /** RFC 5322 section 2.1.1: lines should stay within 78 characters. */
    private static final int LINE_LIMIT = 78;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReportMessage() {
    }

    /**
     * Returns the message.
     *
     * @param from the From address
     * @param to the endpoint's address
     * @param submitter the sending domain
     * @param tally the report's content, for the policy domain and date range
     * @param reportId the report's id, also used as the Message-ID
     * @param gzipReport the compressed JSON report
     * @param now the Date of the message
     */
    public static byte[] compose(String from, String to, String submitter, DomainTally tally, String reportId,
            byte[] gzipReport, Instant now) {
        String boundary = "=_tlsrpt_" + HexFormat.of().formatHex(randomOctets());
        String fileName = AggregateReport.fileName(submitter, tally);
        StringBuilder out = new StringBuilder(gzipReport.length * 2 + 2048);
        line(out, "From: <" + from + ">");
        line(out, "To: <" + to + ">");
        line(out, "Date: " + DATE.format(now));
        line(out, "Message-ID: <" + reportId + ">");
        subject(out, tally.domain(), submitter, reportId);
        line(out, "TLS-Report-Domain: " + tally.domain());
        line(out, "TLS-Report-Submitter: " + submitter);
        line(out, "Auto-Submitted: auto-generated");
        line(out, "MIME-Version: 1.0");
        line(out, "Content-Type: multipart/report; report-type=\"tlsrpt\";");
        line(out, "\tboundary=\"" + boundary + "\"");
        line(out, "");
        line(out, "--" + boundary);
        line(out, "Content-Type: text/plain; charset=us-ascii");
        line(out, "Content-Transfer-Encoding: 7bit");
        line(out, "");
        line(out, "This is an aggregate SMTP TLS report (RFC 8460) from " + submitter);
        line(out, "for the policy domain " + tally.domain() + ", covering "
                + AggregateReport.start(tally.day()) + " to " + AggregateReport.end(tally.day()) + ".");
        line(out, "The report is the attached " + AggregateReport.GZIP_MEDIA_TYPE + " part.");
        line(out, "--" + boundary);
        line(out, "Content-Type: " + AggregateReport.GZIP_MEDIA_TYPE + ";");
        line(out, "\tname=\"" + fileName + "\"");
        line(out, "Content-Transfer-Encoding: base64");
        line(out, "Content-Disposition: attachment;");
        line(out, "\tfilename=\"" + fileName + "\"");
        line(out, "");
        String encoded = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gzipReport);
        line(out, encoded);
        line(out, "--" + boundary + "--");
        ByteArrayOutputStream octets = new ByteArrayOutputStream(out.length());
        octets.writeBytes(out.toString().getBytes(StandardCharsets.US_ASCII));
        return octets.toByteArray();
    }

    /** Writes the subject of section 5.3, folded before "Submitter:" and "Report-ID:" when it is long. */
    private static void subject(StringBuilder out, String domain, String submitter, String reportId) {
        String domainPart = "Subject: Report Domain: " + domain;
        String submitterPart = "Submitter: " + submitter;
        String idPart = "Report-ID: <" + reportId + ">";
        String single = domainPart + " " + submitterPart + " " + idPart;
        if (single.length() <= LINE_LIMIT) {
            line(out, single);
            return;
        }
        line(out, domainPart);
        line(out, " " + submitterPart);
        line(out, " " + idPart);
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append("\r\n");
    }

    private static byte[] randomOctets() {
        byte[] octets = new byte[12];
        RANDOM.nextBytes(octets);
        return octets;
    }
}
