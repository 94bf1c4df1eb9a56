package org.sealrelay.gateway.smtp.inbound;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * An SMTP reply: a three-digit code, an enhanced status code (RFC 3463, sent as RFC 2034
 * describes) and text lines. Every reply the listener sends carries an enhanced code except
 * the greeting and the EHLO response, which RFC 2034 section 3 leaves without one.
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {
    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("invalid reply code " + code + ": expected 200 to 599");
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("reply " + code + " has no text");
        }
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply " + code + " text contains CR or LF");
            }
        }
        if (enhancedCode != null && enhancedCode.charAt(0) != Character.forDigit(code / 100, 10)) {
            throw new IllegalArgumentException(
                    "enhanced code " + enhancedCode + " does not match the class of reply " + code);
        }
    }

    /** Returns a one-line reply with an enhanced status code. */
    public static SmtpReply of(int code, String enhancedCode, String text) {
        return new SmtpReply(code, Objects.requireNonNull(enhancedCode, "enhancedCode"), List.of(text));
    }

    /** Returns a one-line reply without an enhanced status code (greeting, HELO). */
    public static SmtpReply plain(int code, String text) {
        return new SmtpReply(code, null, List.of(text));
    }

    /** Whether the reply is a 4xx or 5xx. */
    public boolean isError() {
        return code >= 400;
    }

    /** Returns the wire form: every line but the last joins code and text with '-', all end in CRLF. */
    public byte[] encode() {
        StringBuilder wire = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            wire.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhancedCode != null) {
                wire.append(enhancedCode).append(' ');
            }
            wire.append(lines.get(i)).append("\r\n");
        }
        return wire.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the reply as one line for logs, such as {@code 250 2.0.0 Ok}. */
    @Override
    public String toString() {
        String text = String.join(" / ", lines);
        return enhancedCode == null ? code + " " + text : code + " " + enhancedCode + " " + text;
    }
}
