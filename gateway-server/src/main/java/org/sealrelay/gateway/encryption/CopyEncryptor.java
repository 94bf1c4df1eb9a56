package org.sealrelay.gateway.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.sealrelay.gateway.crypto.EncryptionException;

/**
 * Turns a clear message into its encrypted form for one recipient; implemented by the
 * PGP/MIME and S/MIME encryptors. Neither stream is closed.
 */
@FunctionalInterface
interface CopyEncryptor {
    void encrypt(InputStream message, OutputStream out) throws IOException, EncryptionException;
}
