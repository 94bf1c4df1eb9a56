package org.sealrelay.gateway.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;
import org.sealrelay.gateway.crypto.InvalidMessageException;

/**
 * Canonicalizes a message body as it is written and feeds the result to a digest, so the body
 * hash of a message of any size needs a few fields of state and one small buffer.
 *
 * <p>Both algorithms drop the empty lines at the end of the body (RFC 6376 sections 3.4.3 and
 * 3.4.4). Line ends are therefore held back as a count and written only when more content
 * follows. Relaxed canonicalization also holds back white space until a non-WSP octet shows that
 * it is not at the end of a line, and then writes it as one space.
 *
 * <p>A CR must be followed by LF and an LF preceded by CR: a bare one is rejected with
 * {@link InvalidMessageException}, because receivers split such lines in different places and
 * no signature would verify reliably. A last line without CRLF is hashed as if it had one,
 * because SMTP DATA ends the content with CRLF before the final dot.
 */
final class BodyCanonicalizer extends OutputStream {
    private static final int BUFFER_SIZE = 8192;

    private final boolean relaxed;
    private final MessageDigest digest;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int buffered;
    private long heldLineEnds;
    private boolean heldSpace;
    private boolean afterCr;
    private boolean bodyHasContent;
    private boolean finished;

    BodyCanonicalizer(Canonicalization canonicalization, MessageDigest digest) {
        this.relaxed = canonicalization == Canonicalization.RELAXED;
        this.digest = digest;
    }

    @Override
    public void write(int octet) throws InvalidMessageException {
        accept((byte) octet);
    }

    @Override
    public void write(byte[] octets, int offset, int length) throws InvalidMessageException {
        for (int i = offset; i < offset + length; i++) {
            accept(octets[i]);
        }
    }

    private void accept(byte b) throws InvalidMessageException {
        if (finished) {
            throw new IllegalStateException("body already finished");
        }
        if (afterCr) {
            if (b != '\n') {
                throw new InvalidMessageException("bare CR in the message body; only CRLF ends a line");
            }
            afterCr = false;
            endLine();
            return;
        }
        if (b == '\r') {
            afterCr = true;
            return;
        }
        if (b == '\n') {
            throw new InvalidMessageException("bare LF in the message body; only CRLF ends a line");
        }
        if (relaxed && Canonicalization.isWsp(b)) {
            heldSpace = true;
            return;
        }
        content(b);
    }

    private void endLine() {
        // Relaxed: white space before a line end is dropped (section 3.4.4).
        heldSpace = false;
        heldLineEnds++;
    }

    private void content(byte b) {
        while (heldLineEnds > 0) {
            emit((byte) '\r');
            emit((byte) '\n');
            heldLineEnds--;
        }
        if (heldSpace) {
            // Section 3.4.4: a run of WSP within a line, also at its start, becomes one space.
            emit((byte) ' ');
            heldSpace = false;
        }
        emit(b);
        bodyHasContent = true;
    }

    /**
     * Ends the body and returns its hash. Simple canonicalization always ends the body with one
     * CRLF, also an empty body. Relaxed canonicalization does so only when the body has content,
     * and hashes an empty body as no octets at all.
     *
     * @throws InvalidMessageException if the body ends with a bare CR
     */
    byte[] finish() throws InvalidMessageException {
        if (afterCr) {
            throw new InvalidMessageException("bare CR at the end of the message body; only CRLF ends a line");
        }
        finished = true;
        if (!relaxed || bodyHasContent) {
            emit((byte) '\r');
            emit((byte) '\n');
        }
        digest.update(buffer, 0, buffered);
        buffered = 0;
        return digest.digest();
    }

    private void emit(byte b) {
        if (buffered == buffer.length) {
            digest.update(buffer, 0, buffered);
            buffered = 0;
        }
        buffer[buffered++] = b;
    }
}
