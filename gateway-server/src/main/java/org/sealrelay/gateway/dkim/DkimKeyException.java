package org.sealrelay.gateway.dkim;

/** A key file that exists but contains no key the signer can use; the message names the file and the fix. */
public final class DkimKeyException extends Exception {
    public DkimKeyException(String message) {
        super(message);
    }
}
