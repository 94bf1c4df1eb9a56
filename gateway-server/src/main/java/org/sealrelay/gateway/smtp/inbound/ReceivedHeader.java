package org.sealrelay.gateway.smtp.inbound;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Builds the trace header prepended to each accepted message (RFC 5321 section 4.4), with the
 * RFC 3848 protocol keyword and, when TLS was used, the protocol version and cipher suite.
 */
final class ReceivedHeader {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private ReceivedHeader() {
    }

    /**
     * Returns the header with folded lines ending in CRLF.
     *
     * @param recipients the "for" clause names the recipient only when there is exactly one,
     *     so a message to several people does not disclose the others
     */
    static byte[] build(String heloName, String clientAddress, String hostname, boolean extended,
            String tlsProtocol, String tlsCipher, boolean authenticated, boolean smtpUtf8, String queueId,
            List<String> recipients, ZonedDateTime now) {
        // RFC 3848 and RFC 6531 section 3.7.3: ESMTP or UTF8SMTP, then S for TLS, then A for AUTH.
        String base = smtpUtf8 ? "UTF8SMTP" : extended ? "ESMTP" : "SMTP";
        String protocol = base + (tlsProtocol != null ? "S" : "") + (authenticated ? "A" : "");
        StringBuilder header = new StringBuilder(256);
        header.append("Received: from ").append(sanitize(heloName))
                .append(" ([").append(clientAddress).append("])\r\n")
                .append("\tby ").append(hostname).append(" (SealRelay) with ").append(protocol)
                .append(" id ").append(queueId);
        if (tlsProtocol != null) {
            header.append("\r\n\t(version=").append(tlsProtocol).append(" cipher=").append(tlsCipher).append(')');
        }
        if (recipients.size() == 1) {
            header.append("\r\n\tfor <").append(recipients.get(0)).append('>');
        }
        header.append(";\r\n\t").append(DATE.format(now)).append("\r\n");
        return header.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Keeps the client's HELO text from breaking the header: printable ASCII without parentheses. */
    private static String sanitize(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length() && i < 255; i++) {
            char c = text.charAt(i);
            clean.append(c > 0x20 && c < 0x7f && c != '(' && c != ')' ? c : '?');
        }
        return clean.length() == 0 ? "unknown" : clean.toString();
    }
}
