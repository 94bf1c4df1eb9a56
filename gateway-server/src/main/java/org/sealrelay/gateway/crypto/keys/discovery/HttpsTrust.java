package org.sealrelay.gateway.crypto.keys.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The PKIX trust that Web Key Directory fetches validate server certificates against. */
public final class HttpsTrust {
    private HttpsTrust() {
    }

    /**
     * Builds a TLS client context that trusts the JDK's default CAs plus the CA certificates in
     * {@code trustFile}, which may be null. Host names are checked by the HTTP client.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or contains no certificate
     */
    public static SSLContext pkixContext(Path trustFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            for (TrustManager manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate issuer : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + index++, issuer);
                    }
                }
            }
            if (trustFile != null) {
                for (Certificate certificate : readPem(trustFile)) {
                    store.setCertificateEntry("trust-file-" + index++, certificate);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("failed to build the HTTPS trust store: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> readPem(Path trustFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(trustFile)) {
            certificates = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid trust file " + trustFile + ": " + e.getMessage()
                    + "; expected PEM CA certificates", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("invalid trust file " + trustFile
                    + ": no certificates found; expected PEM CA certificates");
        }
        return certificates;
    }
}
