package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The listener certificate.
 *
 * @param certificate PEM certificate chain; generated self-signed with the key when both are missing
 * @param privateKey PEM private key
 */
public record TlsConfig(Path certificate, Path privateKey) {
    public TlsConfig {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
