package org.sealrelay.gateway.delivery;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/** HTTPS client trust for callers outside delivery, such as the TLS report sender. */
public final class HttpsTrust {
    private HttpsTrust() {
    }

    /**
     * Returns a JDK context that validates server certificates against the JDK's CAs plus those
     * in {@code trustFile}, the same trust as the {@code verify} level and MTA-STS fetches.
     *
     * @param trustFile PEM CA certificates to add; may be null
     * @throws IllegalArgumentException naming the file when it cannot be read or contains no certificate
     */
    public static SSLContext pkixContext(Path trustFile) {
        return TlsClientContexts.create(trustFile).pkixContext();
    }
}
