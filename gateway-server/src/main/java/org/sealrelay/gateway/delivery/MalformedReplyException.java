package org.sealrelay.gateway.delivery;

import io.netty.handler.codec.DecoderException;

/** Raised by {@link SmtpReplyDecoder} when a next hop sends a line that is not a valid reply. */
final class MalformedReplyException extends DecoderException {
    private static final long serialVersionUID = 1L;

    MalformedReplyException(String message) {
        super(message);
    }
}
