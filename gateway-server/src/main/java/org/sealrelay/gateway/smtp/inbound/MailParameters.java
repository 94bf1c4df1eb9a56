package org.sealrelay.gateway.smtp.inbound;

import java.util.Locale;
import java.util.Map;

/**
 * The ESMTP parameters of MAIL FROM that this listener supports: SIZE (RFC 1870), BODY
 * (RFC 6152), AUTH (RFC 4954 section 5), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461) and
 * REQUIRETLS (RFC 8689). Every parameter is checked wherever it stands in the list, and any
 * other one is rejected with 555 5.5.4.
 *
 * @param eightBitMime whether BODY=8BITMIME was given
 * @param smtpUtf8 whether SMTPUTF8 was given
 * @param requireTls whether REQUIRETLS was given
 * @param dsnReturn RET value, {@code FULL} or {@code HDRS}, or empty
 * @param envelopeId ENVID value as xtext, or empty
 */
record MailParameters(boolean eightBitMime, boolean smtpUtf8, boolean requireTls, String dsnReturn,
        String envelopeId) {
    /** RFC 3461 section 4.4: ENVID is at most 100 characters. */
    static final int MAX_ENVID = 100;

    /** Thrown with the reply for an invalid or unsupported parameter. */
    static final class Rejected extends Exception {
        final SmtpReply reply;

        Rejected(SmtpReply reply) {
            super(reply.toString(), null, false, false);
            this.reply = reply;
        }
    }

    /**
     * Validates the parameters.
     *
     * @param extended whether the session began with EHLO; after HELO no parameter is allowed
     * @param authOffered whether AUTH was advertised, which makes the AUTH parameter legal
     * @param tlsActive whether the session is encrypted; REQUIRETLS is offered only then
     */
    static MailParameters parse(Map<String, String> parameters, boolean extended, boolean authOffered,
            boolean tlsActive, long maxMessageSize) throws Rejected {
        boolean eightBit = false;
        boolean utf8 = false;
        boolean requireTls = false;
        String ret = "";
        String envid = "";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String key = parameter.getKey();
            String value = parameter.getValue();
            if (!extended) {
                throw unsupported(key);
            }
            switch (key) {
                case "SIZE" -> checkSize(value, maxMessageSize);
                case "BODY" -> eightBit = parseBody(value);
                case "AUTH" -> {
                    if (!authOffered) {
                        throw unsupported(key);
                    }
                    // RFC 4954 section 5: the identity is for trusted relays only; it is checked
                    // for syntax and otherwise not used.
                    if (value.isEmpty()) {
                        throw new Rejected(SmtpReply.of(501, "5.5.4", "Invalid AUTH value: expected <> or an xtext mailbox"));
                    }
                }
                case "SMTPUTF8" -> {
                    requireNoValue(key, value);
                    utf8 = true;
                }
                case "REQUIRETLS" -> {
                    if (!tlsActive) {
                        throw unsupported(key);
                    }
                    requireNoValue(key, value);
                    requireTls = true;
                }
                case "RET" -> {
                    ret = value.toUpperCase(Locale.ROOT);
                    if (!ret.equals("FULL") && !ret.equals("HDRS")) {
                        throw new Rejected(SmtpReply.of(501, "5.5.4", "Invalid RET value: expected FULL or HDRS"));
                    }
                }
                case "ENVID" -> {
                    if (value.isEmpty() || value.length() > MAX_ENVID || !XText.isValid(value)) {
                        throw new Rejected(SmtpReply.of(501, "5.5.4",
                                "Invalid ENVID value: expected 1 to " + MAX_ENVID + " characters of xtext"));
                    }
                    envid = value;
                }
                default -> throw unsupported(key);
            }
        }
        return new MailParameters(eightBit, utf8, requireTls, ret, envid);
    }

    private static Rejected unsupported(String key) {
        return new Rejected(SmtpReply.of(555, "5.5.4", "Unsupported MAIL parameter " + key));
    }

    private static void requireNoValue(String key, String value) throws Rejected {
        if (!value.isEmpty()) {
            throw new Rejected(SmtpReply.of(501, "5.5.4", key + " takes no value"));
        }
    }

    private static void checkSize(String value, long maxMessageSize) throws Rejected {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Rejected(SmtpReply.of(501, "5.5.4", "Invalid SIZE value: expected a number of octets"));
        }
        if (Long.parseLong(value) > maxMessageSize) {
            throw new Rejected(SmtpReply.of(552, "5.3.4", "Message size exceeds fixed maximum of " + maxMessageSize + " octets"));
        }
    }

    private static boolean parseBody(String value) throws Rejected {
        String body = value.toUpperCase(Locale.ROOT);
        if (body.equals("7BIT")) {
            return false;
        }
        if (body.equals("8BITMIME")) {
            return true;
        }
        throw new Rejected(SmtpReply.of(501, "5.5.4", "Invalid BODY value: expected 7BIT or 8BITMIME"));
    }
}
