package org.sealrelay.gateway.crypto;

import java.io.IOException;

/**
 * The message to encrypt is not a valid RFC 5322 message: a bare CR or LF, a header field
 * without a name, or a header section over the size limit. The message text never appears in
 * the exception message.
 */
public final class InvalidMessageException extends IOException {
    public InvalidMessageException(String message) {
        super(message);
    }
}
