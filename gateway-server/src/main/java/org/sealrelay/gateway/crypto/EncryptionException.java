package org.sealrelay.gateway.crypto;

/**
 * Encryption or signing failed for a reason other than I/O: an unusable key, a missing
 * algorithm, a library error. The message names the step and the key, never message content.
 */
public final class EncryptionException extends Exception {
    public EncryptionException(String message) {
        super(message);
    }

    public EncryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
