package org.sealrelay.gateway.dsn;

import java.io.IOException;
import java.io.InputStream;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.policy.TlsLevel;

/**
 * Decides what a report returns of the original message (RFC 3461 section 4.3): the whole
 * message only in a report of failures, only when the client asked for it with RET=FULL, only
 * up to a size limit, and only when the report itself must travel over TLS. In every other case
 * the report returns the header section, with a note when RET=FULL was not honoured.
 *
 * <p>The TLS condition exists because the returned body may carry protected health information.
 * The report goes back to the sender, who wrote the message, but it travels at the TLS level that
 * {@code delivery.tls-levels} gives the sender's domain, which may be {@code may} or {@code none}.
 */
final class ReturnedContentChoice {
    private final Spool spool;
    private final long maxReturnedSize;

    /** @param maxReturnedSize the largest original, in octets, that is returned whole; 0 returns none whole */
    ReturnedContentChoice(Spool spool, long maxReturnedSize) {
        if (maxReturnedSize < 0) {
            throw new IllegalArgumentException("invalid maximum returned message size " + maxReturnedSize
                    + ": expected 0 or more octets");
        }
        this.spool = spool;
        this.maxReturnedSize = maxReturnedSize;
    }

    /**
     * Returns the content for a report on {@code original} that travels at {@code reportLevel}.
     *
     * @throws IOException when the original's header section cannot be read from the spool
     */
    ReturnedContent choose(ReportAction action, Envelope original, TlsLevel reportLevel) throws IOException {
        if (action != ReportAction.FAILED || !original.options().dsnReturn().equals("FULL")) {
            return headersOf(original, "");
        }
        if (original.sizeOctets() > maxReturnedSize) {
            return headersOf(original, "The whole message was requested, but at " + original.sizeOctets()
                    + " octets it is larger than the limit of " + maxReturnedSize + " octets for returned messages.");
        }
        if (!reportLevel.requiresTls()) {
            return headersOf(original, "The whole message was requested, but this gateway returns it only over"
                    + " TLS, and mail to your domain is not required to use TLS.");
        }
        return ReturnedContent.fullMessage(() -> spool.openContent(original.id()), original.eightBitMime());
    }

    private ReturnedContent headersOf(Envelope original, String note) throws IOException {
        try (InputStream content = spool.openContent(original.id())) {
            return ReturnedContent.headers(OriginalHeaders.read(content), note);
        }
    }
}
