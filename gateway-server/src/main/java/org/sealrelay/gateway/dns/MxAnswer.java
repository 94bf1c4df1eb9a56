package org.sealrelay.gateway.dns;

import java.util.List;
import java.util.Objects;

/**
 * The mail exchangers of a domain, or why there are none.
 *
 * @param status what the lookup found
 * @param hosts host names to try in order, without the trailing dot; empty unless the status is
 *     {@link Status#MX} or {@link Status#IMPLICIT_MX}
 * @param detail a short reason for logs and bounce text, such as the DNS error
 */
public record MxAnswer(Status status, List<String> hosts, String detail) {
    /** Lookup results, each mapped by the delivery agent to one recipient outcome. */
    public enum Status {
        /** MX records found; {@code hosts} are their targets in preference order. */
        MX,
        /** No MX records, so the domain itself is the only host (RFC 5321 section 5.1). */
        IMPLICIT_MX,
        /** The domain publishes a null MX (RFC 7505): it accepts no mail. Permanent. */
        NULL_MX,
        /** The domain does not exist (NXDOMAIN). Permanent. */
        NO_SUCH_DOMAIN,
        /** SERVFAIL, a timeout or another error that a later attempt may not repeat. */
        TEMPORARY_FAILURE
    }

    public MxAnswer {
        Objects.requireNonNull(status, "status");
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(detail, "detail");
        boolean needsHosts = status == Status.MX || status == Status.IMPLICIT_MX;
        if (needsHosts == hosts.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid MX answer: status " + status + " with " + hosts.size() + " hosts");
        }
    }

    static MxAnswer failure(Status status, String detail) {
        return new MxAnswer(status, List.of(), detail);
    }
}
