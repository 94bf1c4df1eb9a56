package org.sealrelay.gateway.smtp.inbound;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sealrelay.gateway.spool.DsnRequest;

/** The ESMTP parameters of RCPT TO that this listener supports: NOTIFY and ORCPT (RFC 3461). */
final class RcptParameters {
    /** RFC 3461 section 4.2: an ORCPT parameter is at most 500 characters. */
    static final int MAX_ORCPT = 500;

    private RcptParameters() {
    }

    /** Validates the parameters into a DSN request; throws with the reply otherwise. */
    static DsnRequest parse(Map<String, String> parameters) throws MailParameters.Rejected {
        Set<DsnRequest.Notify> conditions = EnumSet.noneOf(DsnRequest.Notify.class);
        String orcpt = "";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "NOTIFY" -> conditions = parseNotify(value);
                case "ORCPT" -> orcpt = parseOrcpt(value);
                default -> throw new MailParameters.Rejected(
                        SmtpReply.of(555, "5.5.4", "Unsupported RCPT parameter " + parameter.getKey()));
            }
        }
        return new DsnRequest(conditions, orcpt);
    }

    private static Set<DsnRequest.Notify> parseNotify(String value) throws MailParameters.Rejected {
        Set<DsnRequest.Notify> conditions = EnumSet.noneOf(DsnRequest.Notify.class);
        for (String token : value.split(",", -1)) {
            DsnRequest.Notify condition;
            try {
                condition = DsnRequest.Notify.valueOf(token.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalidNotify();
            }
            if (!conditions.add(condition)) {
                throw invalidNotify();
            }
        }
        if (conditions.contains(DsnRequest.Notify.NEVER) && conditions.size() > 1) {
            throw invalidNotify();
        }
        return conditions;
    }

    private static MailParameters.Rejected invalidNotify() {
        return new MailParameters.Rejected(SmtpReply.of(501, "5.5.4",
                "Invalid NOTIFY value: expected NEVER, or one or more of SUCCESS, FAILURE, DELAY"));
    }

    private static String parseOrcpt(String value) throws MailParameters.Rejected {
        int semicolon = value.indexOf(';');
        if (value.length() > MAX_ORCPT || semicolon <= 0 || semicolon == value.length() - 1
                || !value.substring(0, semicolon).chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || c == '-'))
                || !XText.isValid(value.substring(semicolon + 1))) {
            throw new MailParameters.Rejected(SmtpReply.of(501, "5.5.4",
                    "Invalid ORCPT value: expected addr-type;xtext of at most " + MAX_ORCPT + " characters"));
        }
        return value;
    }
}
