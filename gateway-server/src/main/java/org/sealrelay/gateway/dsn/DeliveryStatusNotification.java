package org.sealrelay.gateway.dsn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;

/**
 * Composes non-delivery reports and delay notices: multipart/report messages with report-type
 * delivery-status (RFC 6522) holding a plain text explanation, a message/delivery-status part
 * (RFC 3464) and the original header section as text/rfc822-headers.
 *
 * <p>The original body is never included, because it may carry protected health information and
 * the report is mail that leaves the gateway; this is the behaviour RFC 3461 calls RET=HDRS.
 * Every line ends in CRLF and stays under the 998-octet limit of RFC 5322 section 2.1.1: reply
 * text from a next hop is stripped of control characters and cut before it is written.
 */
public final class DeliveryStatusNotification {
    /** Room left in a 998-octet line for the field name in front of reply text. */
    private static final int MAX_FIELD_TEXT = 900;
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String reportingMta;

    /** @param reportingMta the gateway's host name, for Reporting-MTA and the From address */
    public DeliveryStatusNotification(String reportingMta) {
        this.reportingMta = Objects.requireNonNull(reportingMta, "reportingMta");
    }

    /**
     * Returns the non-delivery report for {@code failed}, addressed to the original reverse-path.
     *
     * @param original the failed message's envelope; its reverse-path must not be empty
     * @param failed recipients of {@code original} that failed for good, at least one
     * @param originalHeaders the original header section, each line ending in CRLF
     * @param now the report's Date and the recipients' Last-Attempt-Date
     * @throws IllegalArgumentException when the reverse-path is empty or no recipient is given
     */
    public byte[] compose(Envelope original, List<EnvelopeRecipient> failed, byte[] originalHeaders, Instant now) {
        return build(Action.FAILED, original, failed, originalHeaders, now, null);
    }

    /**
     * Returns a delay notice for {@code pending}: the message is still queued and will be retried
     * until {@code retryUntil}.
     *
     * @throws IllegalArgumentException when the reverse-path is empty or no recipient is given
     */
    public byte[] composeDelay(Envelope original, List<EnvelopeRecipient> pending, byte[] originalHeaders,
            Instant now, Instant retryUntil) {
        return build(Action.DELAYED, original, pending, originalHeaders, now, retryUntil);
    }

    /** The RFC 3464 section 2.3.3 action values this gateway reports. */
    private enum Action {
        FAILED("failed", "Undelivered Mail Returned to Sender"),
        DELAYED("delayed", "Delayed Mail (still being retried)");

        final String field;
        final String subject;

        Action(String field, String subject) {
            this.field = field;
            this.subject = subject;
        }
    }

    private byte[] build(Action action, Envelope original, List<EnvelopeRecipient> recipients, byte[] originalHeaders,
            Instant now, Instant retryUntil) {
        if (original.reversePath().isEmpty()) {
            throw new IllegalArgumentException("queueId " + original.id()
                    + " has the null reverse-path; no delivery status notification may be sent (RFC 5321 section 4.5.5)");
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("queueId " + original.id() + ": no recipients to report");
        }
        String boundary = "=_sealrelay_" + HexFormat.of().formatHex(randomOctets());
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048 + originalHeaders.length);
        writeHeader(out, action, original, boundary, now);
        line(out, "--" + boundary);
        writeExplanation(out, action, recipients, retryUntil);
        line(out, "--" + boundary);
        writeStatus(out, action, original, recipients, now, retryUntil);
        line(out, "--" + boundary);
        line(out, "Content-Type: text/rfc822-headers");
        line(out, "Content-Description: Header section of the " + (action == Action.FAILED ? "undelivered" : "delayed")
                + " message");
        line(out, "");
        out.writeBytes(originalHeaders);
        // The CRLF before a boundary belongs to the delimiter (RFC 2046 section 5.1.1), so this
        // empty line keeps the CRLF that ends the last header field inside the part.
        line(out, "");
        line(out, "--" + boundary + "--");
        return out.toByteArray();
    }

    private void writeHeader(ByteArrayOutputStream out, Action action, Envelope original, String boundary,
            Instant now) {
        line(out, "From: Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
        line(out, "To: <" + printable(original.reversePath()) + ">");
        line(out, "Subject: " + action.subject);
        line(out, "Date: " + DATE.format(now));
        line(out, "Message-ID: <" + original.id() + "." + action.field + "." + now.toEpochMilli() + "@" + reportingMta
                + ">");
        // RFC 3834 section 5: marks the report as automatic so that autoresponders do not reply to it.
        line(out, "Auto-Submitted: auto-replied");
        line(out, "MIME-Version: 1.0");
        line(out, "Content-Type: multipart/report; report-type=delivery-status;");
        line(out, "\tboundary=\"" + boundary + "\"");
        line(out, "");
        line(out, "This is a MIME-encapsulated delivery status notification.");
        line(out, "");
    }

    private void writeExplanation(ByteArrayOutputStream out, Action action, List<EnvelopeRecipient> recipients,
            Instant retryUntil) {
        line(out, "Content-Type: text/plain; charset=utf-8");
        line(out, "Content-Transfer-Encoding: 8bit");
        line(out, "Content-Description: Notification");
        line(out, "");
        line(out, "This is the mail system at host " + reportingMta + ".");
        line(out, "");
        String count = recipients.size() == 1 ? "one recipient" : recipients.size() + " recipients";
        if (action == Action.FAILED) {
            line(out, "Your message could not be delivered to " + count + ".");
            line(out, "It will not be retried. The reasons follow; the attached delivery status part");
            line(out, "gives the same information for programs. The original message body is not");
            line(out, "returned.");
        } else {
            line(out, "Your message has not yet been delivered to " + count + ".");
            line(out, "It is still queued and will be retried until " + DATE.format(retryUntil) + ".");
            line(out, "You do not need to send it again. The last errors follow.");
        }
        line(out, "");
        for (EnvelopeRecipient recipient : recipients) {
            line(out, "<" + printable(recipient.address()) + ">: " + printable(recipient.lastReply()));
        }
        line(out, "");
    }

    private void writeStatus(ByteArrayOutputStream out, Action action, Envelope original,
            List<EnvelopeRecipient> recipients, Instant now, Instant retryUntil) {
        line(out, "Content-Type: message/delivery-status");
        line(out, "Content-Description: Delivery report");
        line(out, "");
        if (!original.options().envelopeId().isEmpty()) {
            line(out, "Original-Envelope-Id: " + printable(original.options().envelopeId()));
        }
        line(out, "Reporting-MTA: dns; " + reportingMta);
        line(out, "X-SealRelay-Queue-ID: " + original.id());
        line(out, "Arrival-Date: " + DATE.format(original.receivedAt()));
        for (EnvelopeRecipient recipient : recipients) {
            line(out, "");
            if (!recipient.dsn().originalRecipient().isEmpty()) {
                line(out, "Original-Recipient: " + printable(recipient.dsn().originalRecipient()));
            }
            line(out, "Final-Recipient: rfc822; "
                    + printable(recipient.address()));
            line(out, "Action: " + action.field);
            line(out, "Status: " + (action == Action.FAILED ? StatusCode.enhanced(recipient.lastReply())
                    : StatusCode.transientCode(recipient.lastReply())));
            String remoteHost = remoteHost(recipient.remoteMta());
            if (!remoteHost.isEmpty()) {
                line(out, "Remote-MTA: dns; " + remoteHost);
            }
            if (StatusCode.isSmtpReply(recipient.lastReply())) {
                line(out, "Diagnostic-Code: smtp; " + printable(recipient.lastReply()));
            } else if (!recipient.lastReply().isEmpty()) {
                line(out, "Diagnostic-Code: x-sealrelay; " + printable(recipient.lastReply()));
            }
            line(out, "Last-Attempt-Date: " + DATE.format(now));
            if (retryUntil != null) {
                line(out, "Will-Retry-Until: " + DATE.format(retryUntil));
            }
        }
        line(out, "");
    }

    /** Returns the host name of a next-hop label such as {@code mx.example.net[192.0.2.1]:25}. */
    static String remoteHost(String remoteMta) {
        int bracket = remoteMta.indexOf('[');
        return printable(bracket < 0 ? remoteMta : remoteMta.substring(0, bracket)).toLowerCase(Locale.ROOT);
    }

    /** Returns the text with control characters replaced by '?' and cut to a safe line length. */
    static String printable(String text) {
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_FIELD_TEXT));
        for (int i = 0; i < text.length() && clean.length() < MAX_FIELD_TEXT; i++) {
            char c = text.charAt(i);
            clean.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return clean.toString();
    }

    private static void line(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    private static byte[] randomOctets() {
        byte[] octets = new byte[12];
        RANDOM.nextBytes(octets);
        return octets;
    }
}
