package org.sealrelay.gateway.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the listener's TLS context from PEM files, generating a self-signed certificate on
 * first start when neither file exists. TLS 1.2 and 1.3 only; BoringSSL through netty-tcnative
 * where it loads, the JDK provider otherwise.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** Protocol versions offered; older ones are broken or deprecated (RFC 8996). */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTls() {
    }

    /**
     * Loads the certificate chain and key, or creates a self-signed pair for {@code hostname}
     * when both files are missing.
     *
     * @throws IOException if only one of the files exists, or a file cannot be read or parsed;
     *     the message names the file
     */
    public static SslContext loadOrCreate(Path certificateFile, Path privateKeyFile, String hostname)
            throws IOException {
        boolean haveCertificate = Files.exists(certificateFile);
        boolean haveKey = Files.exists(privateKeyFile);
        if (haveCertificate != haveKey) {
            Path missing = haveCertificate ? privateKeyFile : certificateFile;
            throw new IOException("TLS file " + missing + " is missing while its pair exists; restore it, "
                    + "or remove both files to have a new self-signed certificate generated");
        }
        if (!haveCertificate) {
            generate(certificateFile, privateKeyFile, hostname);
        }
        try {
            return SslContextBuilder.forServer(certificateFile.toFile(), privateKeyFile.toFile())
                    .sslProvider(provider())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot load TLS certificate " + certificateFile + " with key " + privateKeyFile
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns a context like {@link #loadOrCreate} that also asks clients for a certificate and
     * validates it against the CAs in {@code trustFile}. A client without a certificate still
     * connects; one whose certificate does not validate fails the handshake.
     *
     * @throws IOException naming the file that cannot be read
     */
    public static SslContext withClientCertificates(Path certificateFile, Path privateKeyFile, Path trustFile)
            throws IOException {
        if (!Files.isReadable(trustFile)) {
            throw new IOException("client certificate trust file " + trustFile + " not found or not readable");
        }
        try {
            return SslContextBuilder.forServer(certificateFile.toFile(), privateKeyFile.toFile())
                    .sslProvider(provider())
                    .protocols(PROTOCOLS)
                    .trustManager(trustFile.toFile())
                    .clientAuth(ClientAuth.OPTIONAL)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot load client certificate trust file " + trustFile + ": " + e.getMessage(), e);
        }
    }

    /** Returns BoringSSL when netty-tcnative loaded, else the JDK's provider. */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static void generate(Path certificateFile, Path privateKeyFile, String hostname) throws IOException {
        List<String> dnsNames = new ArrayList<>(List.of(hostname));
        if (!hostname.equals("localhost")) {
            dnsNames.add("localhost");
        }
        try {
            SelfSignedCertificate.generate(hostname, dnsNames, List.of("127.0.0.1", "::1"))
                    .writePem(certificateFile, privateKeyFile);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
        log.warn("generated a self-signed certificate for {} at {}; clients that verify certificates will reject it, "
                + "so install a CA-issued certificate there for production", hostname, certificateFile);
    }
}
