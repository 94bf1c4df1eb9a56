package org.sealrelay.gateway.crypto.keys;

/** A key file could not be imported or a directory operation failed. The message gives the reason. */
public final class KeyDirectoryException extends Exception {
    public KeyDirectoryException(String message) {
        super(message);
    }

    public KeyDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
