package org.sealrelay.gateway.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.sealrelay.gateway.delivery.ContentSource;
import org.sealrelay.gateway.delivery.EncryptedContentSource;
import org.sealrelay.gateway.delivery.DeliveryRequest;

/**
 * A {@link ContentSource} that encrypts another source while it is read. It wraps any source,
 * so content edits made by another wrapper are encrypted with the rest of the message.
 *
 * <p>Each {@link #open()} starts one encryption task on {@code executor}, which reads the clear
 * source and writes into a {@link BoundedPipe}; the returned stream reads from that pipe. The
 * copy is therefore never stored, in clear or encrypted, and memory per copy is the pipe plus
 * the encryptor's fixed buffers, whatever the message size. A failed encryption makes the
 * stream throw, so the SMTP session aborts DATA without sending the final dot.
 */
final class EncryptedContent implements EncryptedContentSource {
    static final int PIPE_BYTES = 64 * 1024;

    private final ContentSource clear;
    private final CopyEncryptor encryptor;
    private final Executor executor;

    EncryptedContent(ContentSource clear, CopyEncryptor encryptor, Executor executor) {
        this.clear = clear;
        this.encryptor = encryptor;
        this.executor = executor;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream message = clear.open();
        BoundedPipe pipe = new BoundedPipe(PIPE_BYTES);
        try {
            executor.execute(() -> encryptInto(message, pipe));
        } catch (RejectedExecutionException e) {
            message.close();
            throw new IOException("cannot start encrypting the copy: the encryption threads are stopping", e);
        }
        return pipe.source();
    }

    private void encryptInto(InputStream message, BoundedPipe pipe) {
        try (message) {
            OutputStream sink = pipe.sink();
            encryptor.encrypt(message, sink);
            pipe.finish();
        } catch (Exception | Error e) {
            // Reported to the reader, which fails the SMTP transaction and logs the cause.
            pipe.fail(e);
        }
    }

    /**
     * Returns an upper estimate of the encrypted size for the SIZE parameter, which RFC 1870
     * allows to be an estimate. Base64 with line breaks grows content by about 37 %, and 64 KiB
     * leave room for the MIME structure, key packets, signatures and the protected header.
     */
    static long estimatedSize(DeliveryRequest request) {
        long size = request.sizeOctets();
        return size <= 0 ? 0 : size + size * 2 / 5 + 64 * 1024;
    }
}
