package org.sealrelay.gateway.dkim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.sealrelay.gateway.crypto.HeaderSection;
import org.sealrelay.gateway.crypto.InvalidMessageException;

/**
 * Reads a message written as a stream into what a signature needs: the parsed header section
 * and the body hash. Octets up to the empty line that ends the header section are buffered, at
 * most {@link HeaderSection#DEFAULT_MAX_BYTES}. Everything after it goes straight into the body
 * hash and is not kept. Neither part depends on the key, so the key can be chosen afterwards
 * from the header section.
 */
public final class MessageHasher extends OutputStream {
    private final Canonicalization bodyCanonicalization;
    private final BodyCanonicalizer body;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
    private boolean inHeader = true;
    private int lastFour;
    private boolean finished;

    MessageHasher(Canonicalization bodyCanonicalization) {
        this.bodyCanonicalization = bodyCanonicalization;
        this.body = bodyCanonicalization.body(DkimSigner.sha256());
    }

    /** A message reduced to its header section and the hash of its canonical body. */
    public record HashedMessage(HeaderSection header, byte[] bodyHash, Canonicalization bodyCanonicalization) {
    }

    @Override
    public void write(int octet) throws InvalidMessageException {
        write(new byte[] {(byte) octet}, 0, 1);
    }

    @Override
    public void write(byte[] octets, int offset, int length) throws InvalidMessageException {
        if (finished) {
            throw new IllegalStateException("message already finished");
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
     * Ends the message and returns its header section and body hash.
     *
     * @throws InvalidMessageException on a bare CR or LF, or a header section that cannot be parsed
     */
    public HashedMessage finish() throws InvalidMessageException {
        if (finished) {
            throw new IllegalStateException("message already finished");
        }
        finished = true;
        byte[] bodyHash = body.finish();
        HeaderSection section;
        try {
            section = HeaderSection.read(new ByteArrayInputStream(header.toByteArray()), HeaderSection.DEFAULT_MAX_BYTES);
        } catch (InvalidMessageException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a header section from memory failed", e);
        }
        return new HashedMessage(section, bodyHash, bodyCanonicalization);
    }

    /** Does nothing: the caller decides when the message is complete by calling {@link #finish()}. */
    @Override
    public void close() {
    }
}
