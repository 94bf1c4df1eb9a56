package org.sealrelay.gateway.tlsrpt;

import java.net.URI;
import java.util.Objects;

/**
 * One {@code rua} destination of a TLSRPT record (RFC 8460 section 3): a mail address for a
 * {@code mailto:} URI, or the URI itself for {@code https:}.
 *
 * @param kind how the report is sent
 * @param uri the URI as published
 * @param mailbox the address of a {@code mailto:} URI without its query; empty for https
 */
public record ReportEndpoint(Kind kind, URI uri, String mailbox) {
    /** The two transports of RFC 8460 sections 5.3 and 5.4. */
    public enum Kind {
        MAILTO,
        HTTPS
    }

    public ReportEndpoint {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(mailbox, "mailbox");
    }
}
