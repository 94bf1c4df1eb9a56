package org.sealrelay.gateway.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;

/**
 * Composes delivery status notifications: multipart/report messages with report-type
 * delivery-status (RFC 6522) holding a plain text explanation, a message/delivery-status part
 * (RFC 3464) and the returned content, which is the original header section as
 * text/rfc822-headers or the whole original message as message/rfc822.
 *
 * <p>A report on a message that needs SMTPUTF8 (RFC 6531: the client gave SMTPUTF8, or an
 * address is not ASCII) uses the types of RFC 6533 instead: report-type
 * global-delivery-status with a message/global-delivery-status part, and message/global-headers
 * or message/global for the returned content. Such a report may itself contain UTF-8 addresses
 * and header fields, so {@link DsnWriter} queues it with SMTPUTF8.
 *
 * <p>The report is written to a stream, so a returned message is copied through in chunks and
 * never held in memory. Every line that this class writes ends in CRLF and stays under the
 * 998-octet limit of RFC 5322 section 2.1.1: reply text from a next hop is stripped of control
 * characters and cut before it is written. The returned message is copied as it is in the spool.
 */
public final class DeliveryStatusNotification {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String reportingMta;
    private final DeliveryStatusFields statusFields;

    /** @param reportingMta the gateway's host name, for Reporting-MTA and the From address */
    public DeliveryStatusNotification(String reportingMta) {
        this.reportingMta = Objects.requireNonNull(reportingMta, "reportingMta");
        this.statusFields = new DeliveryStatusFields(reportingMta);
    }

    /**
     * Writes a report about {@code recipients} of {@code original}, addressed to its reverse-path.
     *
     * @param recipients the recipients the report covers, at least one
     * @param returned the header section or the whole message; RFC 3461 section 4.3 allows the
     *     whole message only in a report of failures
     * @param now the report's Date and the recipients' Last-Attempt-Date
     * @param retryUntil the Will-Retry-Until of a {@link ReportAction#DELAYED} report; ignored otherwise
     * @throws IllegalArgumentException when the reverse-path is empty, no recipient is given, or
     *     the whole message is to be returned in a report that is not about failures
     * @throws IOException when {@code out} or the returned message's source fails
     */
    public void write(OutputStream out, ReportAction action, Envelope original, List<EnvelopeRecipient> recipients,
            ReturnedContent returned, Instant now, Instant retryUntil) throws IOException {
        write(out, newBoundary(), action, original, recipients, returned, now, retryUntil);
    }

    /**
     * Writes a report with a given MIME boundary, so that writing it twice with the same
     * arguments gives the same octets (a DKIM signer hashes the first pass).
     *
     * @param boundary a boundary from {@link #newBoundary()}
     * @throws IllegalArgumentException as for {@link #write(OutputStream, ReportAction, Envelope, List,
     *     ReturnedContent, Instant, Instant)}
     */
    public void write(OutputStream out, String boundary, ReportAction action, Envelope original,
            List<EnvelopeRecipient> recipients, ReturnedContent returned, Instant now, Instant retryUntil)
            throws IOException {
        if (original.reversePath().isEmpty()) {
            throw new IllegalArgumentException("queueId " + original.id()
                    + " has the null reverse-path; no delivery status notification may be sent (RFC 5321 section 4.5.5)");
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("queueId " + original.id() + ": no recipients to report");
        }
        if (returned.isFullMessage() && action != ReportAction.FAILED) {
            throw new IllegalArgumentException("queueId " + original.id() + ": a " + action.fieldValue()
                    + " report returns only the header section (RFC 3461 section 4.3)");
        }
        if (action == ReportAction.DELAYED) {
            Objects.requireNonNull(retryUntil, "retryUntil");
        }
        boolean global = isGlobal(original);
        ReportLines lines = new ReportLines(out);
        writeHeader(lines, global, action, original, boundary, now);
        lines.line("--" + boundary);
        ReportExplanation.write(lines, reportingMta, action, recipients, returned, retryUntil);
        lines.line("--" + boundary);
        statusFields.write(lines, global, action, original, recipients, now, retryUntil);
        lines.line("--" + boundary);
        if (returned.isFullMessage()) {
            writeMessage(lines, global, action, returned);
        } else {
            writeHeaderSection(lines, global, action, returned);
        }
        // The CRLF before a boundary belongs to the delimiter (RFC 2046 section 5.1.1), so this
        // empty line keeps the CRLF that ends the returned content inside the part.
        lines.line("");
        lines.line("--" + boundary + "--");
    }

    /**
     * Returns whether a report on {@code original} uses the RFC 6533 types and needs SMTPUTF8:
     * the original was sent with SMTPUTF8, or its reverse-path or a recipient is not ASCII.
     */
    public static boolean isGlobal(Envelope original) {
        if (original.options().smtpUtf8() || !Utf8AddressType.isAscii(original.reversePath())) {
            return true;
        }
        for (EnvelopeRecipient recipient : original.recipients()) {
            if (!Utf8AddressType.isAscii(recipient.address())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns a report as octets; for tests and short reports, because the returned content is
     * then held in memory.
     *
     * @throws IllegalArgumentException as for {@link #write}
     */
    public byte[] compose(ReportAction action, Envelope original, List<EnvelopeRecipient> recipients,
            ReturnedContent returned, Instant now, Instant retryUntil) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            write(out, action, original, recipients, returned, now, retryUntil);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the returned message of " + original.id() + " failed", e);
        }
        return out.toByteArray();
    }

    private void writeHeader(ReportLines out, boolean global, ReportAction action, Envelope original, String boundary,
            Instant now) throws IOException {
        out.line("From: Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
        out.line("To: <" + ReportLines.printable(original.reversePath()) + ">");
        out.line("Subject: " + action.subject());
        out.line("Date: " + DeliveryStatusFields.DATE.format(now));
        out.line("Message-ID: <" + original.id() + "." + action.fieldValue() + "." + now.toEpochMilli() + "@"
                + reportingMta + ">");
        // RFC 3834 section 5: marks the report as automatic so that autoresponders do not reply to it.
        out.line("Auto-Submitted: auto-replied");
        out.line("MIME-Version: 1.0");
        // RFC 6522 section 3: report-type names the subtype of the second part.
        out.line("Content-Type: multipart/report; report-type="
                + (global ? "global-delivery-status" : "delivery-status") + ";");
        out.line("\tboundary=\"" + boundary + "\"");
        out.line("");
        out.line("This is a MIME-encapsulated delivery status notification.");
        out.line("");
    }

    private static void writeHeaderSection(ReportLines out, boolean global, ReportAction action,
            ReturnedContent returned) throws IOException {
        if (global) {
            out.line("Content-Type: message/global-headers");
            out.line("Content-Transfer-Encoding: 8bit");
        } else {
            out.line("Content-Type: text/rfc822-headers");
        }
        out.line("Content-Description: Header section of the " + subjectOf(action) + " message");
        out.line("");
        out.stream().write(returned.headerSection());
    }

    private static void writeMessage(ReportLines out, boolean global, ReportAction action, ReturnedContent returned)
            throws IOException {
        out.line("Content-Type: " + (global ? "message/global" : "message/rfc822"));
        out.line("Content-Description: The " + subjectOf(action) + " message");
        if (global || returned.eightBit()) {
            // RFC 2046 section 5.2.1: a message/rfc822 part may only be 7bit, 8bit or binary. A
            // message/global part may have UTF-8 header fields whatever the BODY parameter was (RFC 6532).
            out.line("Content-Transfer-Encoding: 8bit");
        }
        out.line("");
        int previous = -1;
        int last = -1;
        byte[] buffer = new byte[8192];
        try (InputStream message = returned.message().open()) {
            int read;
            while ((read = message.read(buffer)) > 0) {
                out.stream().write(buffer, 0, read);
                previous = read > 1 ? buffer[read - 2] : last;
                last = buffer[read - 1];
            }
        }
        if (last >= 0 && !(previous == '\r' && last == '\n')) {
            // BDAT content need not end in CRLF; the part must, before the delimiter's own CRLF.
            out.line("");
        }
    }

    private static String subjectOf(ReportAction action) {
        return switch (action) {
            case FAILED -> "undelivered";
            case DELAYED -> "delayed";
            case RELAYED -> "relayed";
        };
    }

    /** Returns a random MIME boundary that no returned message can contain by chance. */
    public static String newBoundary() {
        return "=_sealrelay_" + HexFormat.of().formatHex(randomOctets());
    }

    private static byte[] randomOctets() {
        byte[] octets = new byte[12];
        RANDOM.nextBytes(octets);
        return octets;
    }
}
