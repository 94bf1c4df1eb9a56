package org.sealrelay.gateway.crypto;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.sealrelay.gateway.crypto.keys.KeyFileParser;
import org.sealrelay.gateway.crypto.keys.OpenPgpRecipientKey;
import org.sealrelay.gateway.crypto.keys.X509RecipientKey;
import org.sealrelay.gateway.crypto.pgp.PgpMimeEncryptor;
import org.sealrelay.gateway.crypto.smime.SmimeEncryptor;

/**
 * Entry point for a child JVM with a small heap: encrypts a generated message of the given
 * size with PGP/MIME or S/MIME to a file. Arguments: pgp|smime KEYFILE BODYBYTES OUTPUT.
 */
public final class LargeMessageEncryption {
    private LargeMessageEncryption() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        var key = KeyFileParser.parse(Files.readAllBytes(Path.of(args[1]))).get(0);
        long bodyBytes = Long.parseLong(args[2]);
        try (OutputStream out = Files.newOutputStream(Path.of(args[3]));
                GeneratedMessage message = new GeneratedMessage(bodyBytes, true)) {
            if (kind.equals("pgp")) {
                PgpMimeEncryptor.builder()
                        .recipient(((OpenPgpRecipientKey) key).encryptionKey(Instant.now()))
                        .build()
                        .encrypt(message, out);
            } else {
                SmimeEncryptor.builder()
                        .recipient(((X509RecipientKey) key).certificate())
                        .build()
                        .encrypt(message, out);
            }
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.println("max heap " + runtime.maxMemory());
    }
}
