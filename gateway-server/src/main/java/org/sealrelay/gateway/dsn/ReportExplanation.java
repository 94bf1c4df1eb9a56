package org.sealrelay.gateway.dsn;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.sealrelay.gateway.spool.EnvelopeRecipient;

/** Writes the human-readable first part of a report (RFC 6522 section 3). */
final class ReportExplanation {
    private ReportExplanation() {
    }

    static void write(ReportLines out, String reportingMta, ReportAction action, List<EnvelopeRecipient> recipients,
            ReturnedContent returned, Instant retryUntil) throws IOException {
        out.line("Content-Type: text/plain; charset=utf-8");
        out.line("Content-Transfer-Encoding: 8bit");
        out.line("Content-Description: Notification");
        out.line("");
        out.line("This is the mail system at host " + reportingMta + ".");
        out.line("");
        String count = recipients.size() == 1 ? "one recipient" : recipients.size() + " recipients";
        switch (action) {
            case FAILED -> {
                out.line("Your message could not be delivered to " + count + ".");
                out.line("It will not be retried. The reasons follow; the attached delivery status part");
                out.line("gives the same information for programs.");
            }
            case DELAYED -> {
                out.line("Your message has not yet been delivered to " + count + ".");
                out.line("It is still queued and will be retried until "
                        + DeliveryStatusFields.DATE.format(retryUntil) + ".");
                out.line("You do not need to send it again. The last errors follow.");
            }
            case RELAYED -> {
                out.line("Your message was handed on for " + count + " to a server that does not");
                out.line("send delivery status notifications. You asked to be told of its delivery,");
                out.line("but no further report will come for these recipients. The replies follow.");
            }
        }
        out.line("");
        for (EnvelopeRecipient recipient : recipients) {
            out.line("<" + ReportLines.printable(recipient.address()) + ">: "
                    + ReportLines.printable(recipient.lastReply()));
        }
        out.line("");
        if (returned.isFullMessage()) {
            out.line("The original message is attached.");
        } else {
            out.line("The header section of the original message is attached.");
            if (!returned.omissionNote().isEmpty()) {
                out.line(returned.omissionNote());
            }
        }
        out.line("");
    }
}
