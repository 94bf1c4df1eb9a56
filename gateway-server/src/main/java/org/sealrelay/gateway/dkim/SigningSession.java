package org.sealrelay.gateway.dkim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.sealrelay.gateway.crypto.HeaderSection;
import org.sealrelay.gateway.crypto.InvalidMessageException;

/**
 * One message being signed, written as a stream. Octets up to the empty line that ends the
 * header section are buffered, at most {@link HeaderSection#DEFAULT_MAX_BYTES}; everything after
 * it goes straight into the body hash and is not kept.
 */
public final class SigningSession extends OutputStream {
    private final DkimSigner signer;
    private final BodyCanonicalizer body;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
    private boolean inHeader = true;
    private int lastFour;
    private boolean finished;

    SigningSession(DkimSigner signer, BodyCanonicalizer body) {
        this.signer = signer;
        this.body = body;
    }

    @Override
    public void write(int octet) throws InvalidMessageException {
        write(new byte[] {(byte) octet}, 0, 1);
    }

    @Override
    public void write(byte[] octets, int offset, int length) throws InvalidMessageException {
        if (finished) {
            throw new IllegalStateException("signing session already finished");
        }
        int index = offset;
        int end = offset + length;
        while (inHeader && index < end) {
            byte b = octets[index++];
            header.write(b);
            lastFour = (lastFour << 8) | (b & 0xff);
            if (header.size() > HeaderSection.DEFAULT_MAX_BYTES) {
                throw new InvalidMessageException("header section larger than " + HeaderSection.DEFAULT_MAX_BYTES
                        + " bytes; cannot sign it");
            }
            boolean emptyFirstLine = header.size() == 2 && (lastFour & 0xffff) == 0x0d0a;
            if (lastFour == 0x0d0a0d0a || emptyFirstLine) {
                inHeader = false;
            }
        }
        if (index < end) {
            body.write(octets, index, end - index);
        }
    }

    /**
     * Ends the message and returns its {@code DKIM-Signature} field, ending in CRLF.
     *
     * @throws InvalidMessageException on a bare CR or LF, or a header section that cannot be parsed
     */
    public byte[] finish() throws InvalidMessageException {
        if (finished) {
            throw new IllegalStateException("signing session already finished");
        }
        finished = true;
        byte[] bodyHash = body.finish();
        HeaderSection section;
        try {
            section = HeaderSection.read(new ByteArrayInputStream(header.toByteArray()), HeaderSection.DEFAULT_MAX_BYTES);
        } catch (InvalidMessageException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading a header section from memory failed", e);
        }
        return signer.signatureField(section, bodyHash);
    }

    /** Does nothing: the caller decides when the message is complete by calling {@link #finish()}. */
    @Override
    public void close() {
    }
}
