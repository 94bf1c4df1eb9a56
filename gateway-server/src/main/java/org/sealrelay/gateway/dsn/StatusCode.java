package org.sealrelay.gateway.dsn;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the RFC 3463 enhanced status code and the RFC 5321 reply code out of a stored reply or
 * failure reason. Replies are stored as {@code 550 5.1.1 text} when a next hop sent them and as
 * {@code 4.4.7 text} when the gateway itself gave the reason.
 */
final class StatusCode {
    private static final Pattern REPLY_CODE = Pattern.compile("^([2-5])\\d\\d(?=[ -]|$)");
    private static final Pattern ENHANCED = Pattern.compile("^(?:[2-5]\\d\\d[ -])?([245]\\.\\d{1,3}\\.\\d{1,3})(?=\\s|$)");

    private StatusCode() {
    }

    /**
     * Returns the enhanced status code of a reply. Without one, returns {@code X.0.0} with the
     * class of the reply code, and {@code 5.0.0} when there is no reply code either.
     */
    static String enhanced(String reply) {
        Matcher enhanced = ENHANCED.matcher(reply);
        if (enhanced.find()) {
            return enhanced.group(1);
        }
        Matcher code = REPLY_CODE.matcher(reply);
        if (code.find() && !code.group(1).equals("2") && !code.group(1).equals("3")) {
            return code.group(1) + ".0.0";
        }
        return "5.0.0";
    }

    /**
     * Returns the enhanced status code of a reply for a delay notice. The failure is not
     * permanent yet, so the class is 4 (RFC 3463 "persistent transient failure"), and
     * {@code 4.0.0} is returned when the reply has no class 4 code.
     */
    static String transientCode(String reply) {
        String code = enhanced(reply);
        return code.startsWith("4.") ? code : "4.0.0";
    }

    /**
     * Returns the enhanced status code of a reply for a relayed report: the reply's own class 2
     * code, or {@code 2.0.0} when it has none.
     */
    static String successCode(String reply) {
        Matcher enhanced = ENHANCED.matcher(reply);
        if (enhanced.find() && enhanced.group(1).startsWith("2.")) {
            return enhanced.group(1);
        }
        return "2.0.0";
    }

    /** Returns whether the text starts with a three-digit SMTP reply code, so it came from a next hop. */
    static boolean isSmtpReply(String reply) {
        return REPLY_CODE.matcher(reply).find();
    }
}
