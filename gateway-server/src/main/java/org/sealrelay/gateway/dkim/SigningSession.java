package org.sealrelay.gateway.dkim;

import java.io.OutputStream;
import org.sealrelay.gateway.crypto.InvalidMessageException;

/**
 * One message being signed with a known key, written as a stream. The message goes through a
 * {@link MessageHasher}, so only its header section is kept in memory.
 */
public final class SigningSession extends OutputStream {
    private final DkimSigner signer;
    private final MessageHasher hasher;

    SigningSession(DkimSigner signer, MessageHasher hasher) {
        this.signer = signer;
        this.hasher = hasher;
    }

    @Override
    public void write(int octet) throws InvalidMessageException {
        hasher.write(octet);
    }

    @Override
    public void write(byte[] octets, int offset, int length) throws InvalidMessageException {
        hasher.write(octets, offset, length);
    }

    /**
     * Ends the message and returns its {@code DKIM-Signature} field, ending in CRLF.
     *
     * @throws InvalidMessageException on a bare CR or LF, or a header section that cannot be parsed
     */
    public byte[] finish() throws InvalidMessageException {
        return signer.signatureField(hasher.finish());
    }

    /** Does nothing: the caller decides when the message is complete by calling {@link #finish()}. */
    @Override
    public void close() {
    }
}
