package org.sealrelay.gateway.smtp.inbound;

import java.util.Locale;
import java.util.Map;

/**
 * The ESMTP parameters of MAIL FROM that this listener supports: SIZE (RFC 1870), BODY
 * (RFC 6152) and AUTH (RFC 4954 section 5). Every parameter is checked wherever it stands in
 * the list, and any other one is rejected with 555 5.5.4.
 *
 * @param eightBitMime whether BODY=8BITMIME was given
 */
record MailParameters(boolean eightBitMime) {
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
     */
    static MailParameters parse(Map<String, String> parameters, boolean extended, boolean authOffered,
            long maxMessageSize) throws Rejected {
        boolean eightBit = false;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String key = parameter.getKey();
            String value = parameter.getValue();
            if (!extended) {
                throw new Rejected(SmtpReply.of(555, "5.5.4", "Unsupported MAIL parameter " + key));
            }
            switch (key) {
                case "SIZE" -> checkSize(value, maxMessageSize);
                case "BODY" -> eightBit = parseBody(value);
                case "AUTH" -> {
                    if (!authOffered) {
                        throw new Rejected(SmtpReply.of(555, "5.5.4", "Unsupported MAIL parameter AUTH"));
                    }
                    // RFC 4954 section 5: the identity is for trusted relays only; it is checked
                    // for syntax and otherwise not used.
                    if (value.isEmpty()) {
                        throw new Rejected(SmtpReply.of(501, "5.5.4", "Invalid AUTH value: expected <> or an xtext mailbox"));
                    }
                }
                default -> throw new Rejected(SmtpReply.of(555, "5.5.4", "Unsupported MAIL parameter " + key));
            }
        }
        return new MailParameters(eightBit);
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
