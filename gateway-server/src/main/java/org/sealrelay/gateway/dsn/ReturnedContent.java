package org.sealrelay.gateway.dsn;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The third part of a report: either the original header section (text/rfc822-headers) or the
 * whole original message (message/rfc822), which is streamed from its source and never held
 * in memory.
 */
public final class ReturnedContent {
    /** Opens the original message, CRLF lines and not dot-stuffed, for one read. */
    @FunctionalInterface
    public interface MessageSource {
        InputStream open() throws IOException;
    }

    private final byte[] headers;
    private final String omissionNote;
    private final MessageSource message;
    private final boolean eightBit;

    private ReturnedContent(byte[] headers, String omissionNote, MessageSource message, boolean eightBit) {
        this.headers = headers;
        this.omissionNote = omissionNote;
        this.message = message;
        this.eightBit = eightBit;
    }

    /**
     * Returns the header section alone.
     *
     * @param headers header lines, each ending in CRLF, without the empty line that ends them
     * @param omissionNote a sentence for the explanation that says why the whole message was
     *     requested but is not returned; empty when only the headers were requested
     */
    public static ReturnedContent headers(byte[] headers, String omissionNote) {
        return new ReturnedContent(headers.clone(), Objects.requireNonNull(omissionNote, "omissionNote"), null, false);
    }

    /**
     * Returns the whole message.
     *
     * @param eightBit whether the message may contain octets above 127, so that the part needs
     *     {@code Content-Transfer-Encoding: 8bit}
     */
    public static ReturnedContent fullMessage(MessageSource message, boolean eightBit) {
        return new ReturnedContent(null, "", Objects.requireNonNull(message, "message"), eightBit);
    }

    /** Returns whether the whole message is returned. */
    public boolean isFullMessage() {
        return message != null;
    }

    byte[] headerSection() {
        return headers;
    }

    String omissionNote() {
        return omissionNote;
    }

    MessageSource message() {
        return message;
    }

    boolean eightBit() {
        return eightBit;
    }
}
