package org.sealrelay.gateway.spool;

import java.util.Objects;

/**
 * ESMTP options a client gave for the whole message, kept for delivery and notifications.
 *
 * @param smtpUtf8 whether MAIL FROM carried SMTPUTF8 (RFC 6531): addresses and headers may
 *     be UTF-8, and a next hop must offer SMTPUTF8 to receive them
 * @param requireTls whether MAIL FROM carried REQUIRETLS (RFC 8689): the message may travel
 *     only over verified TLS to servers that offer REQUIRETLS
 * @param dsnReturn the RET parameter (RFC 3461): {@code FULL}, {@code HDRS}, or empty
 * @param envelopeId the ENVID parameter (RFC 3461), still xtext-encoded; empty when absent
 */
public record TransactionOptions(boolean smtpUtf8, boolean requireTls, String dsnReturn, String envelopeId) {
    /** No options: a plain message. */
    public static final TransactionOptions NONE = new TransactionOptions(false, false, "", "");

    public TransactionOptions {
        Objects.requireNonNull(dsnReturn, "dsnReturn");
        Objects.requireNonNull(envelopeId, "envelopeId");
        if (!dsnReturn.isEmpty() && !dsnReturn.equals("FULL") && !dsnReturn.equals("HDRS")) {
            throw new IllegalArgumentException("invalid RET value '" + dsnReturn + "': expected FULL or HDRS");
        }
    }
}
