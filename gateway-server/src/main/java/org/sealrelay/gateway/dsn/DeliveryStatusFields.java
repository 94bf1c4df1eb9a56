package org.sealrelay.gateway.dsn;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;

/**
 * Writes the message/delivery-status part of a report (RFC 3464 section 2): the per-message
 * fields, then one block of per-recipient fields for each recipient. A report on a message with
 * UTF-8 addresses or headers gets a message/global-delivery-status part instead (RFC 6533
 * section 4), whose recipient fields may carry UTF-8 addresses.
 */
final class DeliveryStatusFields {
    static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final String reportingMta;

    DeliveryStatusFields(String reportingMta) {
        this.reportingMta = reportingMta;
    }

    /**
     * Writes the part with its own header lines.
     *
     * @param global whether to write message/global-delivery-status
     * @param retryUntil the Will-Retry-Until value; only written for {@link ReportAction#DELAYED}
     */
    void write(ReportLines out, boolean global, ReportAction action, Envelope original,
            List<EnvelopeRecipient> recipients, Instant now, Instant retryUntil) throws IOException {
        if (global) {
            out.line("Content-Type: message/global-delivery-status");
            out.line("Content-Transfer-Encoding: 8bit");
        } else {
            out.line("Content-Type: message/delivery-status");
        }
        out.line("Content-Description: Delivery report");
        out.line("");
        if (!original.options().envelopeId().isEmpty()) {
            // NOTE: the ENVID value is written as the client sent it, still xtext-encoded.
            out.line("Original-Envelope-Id: " + ReportLines.printable(original.options().envelopeId()));
        }
        out.line("Reporting-MTA: dns; " + reportingMta);
        out.line("X-SealRelay-Queue-ID: " + original.id());
        out.line("Arrival-Date: " + DATE.format(original.receivedAt()));
        for (EnvelopeRecipient recipient : recipients) {
            out.line("");
            if (!recipient.dsn().originalRecipient().isEmpty()) {
                out.line("Original-Recipient: "
                        + Utf8AddressType.originalRecipient(recipient.dsn().originalRecipient(), global));
            }
            out.line("Final-Recipient: " + Utf8AddressType.finalRecipient(recipient.address()));
            out.line("Action: " + action.fieldValue());
            out.line("Status: " + status(action, recipient.lastReply()));
            String remoteHost = remoteHost(recipient.remoteMta());
            if (!remoteHost.isEmpty()) {
                out.line("Remote-MTA: dns; " + remoteHost);
            }
            if (StatusCode.isSmtpReply(recipient.lastReply())) {
                out.line("Diagnostic-Code: smtp; " + ReportLines.printable(recipient.lastReply()));
            } else if (!recipient.lastReply().isEmpty()) {
                out.line("Diagnostic-Code: x-sealrelay; " + ReportLines.printable(recipient.lastReply()));
            }
            out.line("Last-Attempt-Date: " + DATE.format(now));
            if (action == ReportAction.DELAYED) {
                out.line("Will-Retry-Until: " + DATE.format(retryUntil));
            }
        }
        out.line("");
    }

    private static String status(ReportAction action, String reply) {
        return switch (action) {
            case FAILED -> StatusCode.enhanced(reply);
            case DELAYED -> StatusCode.transientCode(reply);
            case RELAYED -> StatusCode.successCode(reply);
        };
    }

    /** Returns the host name of a next-hop label such as {@code mx.example.net[192.0.2.1]:25}. */
    static String remoteHost(String remoteMta) {
        int bracket = remoteMta.indexOf('[');
        String host = bracket < 0 ? remoteMta : remoteMta.substring(0, bracket);
        return ReportLines.printable(host).toLowerCase(Locale.ROOT);
    }
}
