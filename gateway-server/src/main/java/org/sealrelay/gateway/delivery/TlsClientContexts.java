package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.sealrelay.policy.TlsLevel;

/**
 * The two client TLS contexts that outbound sessions use, built once per agent. Both allow only
 * TLS 1.2 and 1.3 and use the JDK provider.
 *
 * <ul>
 *   <li>Unverified, for {@code may} and {@code encrypt}: any certificate is accepted and no host
 *       name is checked.
 *   <li>Verified, for {@code verify}: PKIX validation against the JDK default trust store plus
 *       the CAs of the configured PEM trust file, and a host name check of the next hop's name
 *       with the HTTPS rules of RFC 2818 (subjectAltName, wildcards in the left-most label).
 * </ul>
 */
final class TlsClientContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext unverified;
    private final SslContext verified;

    private TlsClientContexts(SslContext unverified, SslContext verified) {
        this.unverified = unverified;
        this.verified = verified;
    }

    /**
     * Builds both contexts.
     *
     * @param trustFile PEM CA certificates added to the JDK defaults for {@code verify}; may be null
     * @throws IllegalArgumentException naming the file when it cannot be read or contains no certificate
     */
    static TlsClientContexts create(Path trustFile) {
        try {
            SslContext unverified = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .build();
            SslContext verified = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(trustManagerFactory(trustFile))
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
            return new TlsClientContexts(unverified, verified);
        } catch (SSLException e) {
            throw new IllegalStateException("failed to build the client TLS contexts: " + e.getMessage(), e);
        }
    }

    /** Returns the context that accepts any certificate, for {@code may} and {@code encrypt}. */
    SslContext unverified() {
        return unverified;
    }

    /** Returns the PKIX context with the host name check, for {@code verify} and MTA-STS. */
    SslContext verified() {
        return verified;
    }

    /**
     * Builds a context whose trust decision is {@code trustManager}'s alone, without the JDK's
     * host name check, for DANE and for MTA-STS in testing mode.
     */
    static SslContext withTrustManager(javax.net.ssl.TrustManager trustManager) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(trustManager)
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("failed to build a client TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Returns a client handler for a STARTTLS at {@code level}. The peer host name is sent as SNI
     * and, at {@code verify}, must match the certificate.
     */
    SslHandler newHandler(TlsLevel level, ByteBufAllocator allocator, String peerHost, int peerPort) {
        SslContext context = level.verifiesPeer() ? verified : unverified;
        return context.newHandler(allocator, peerHost, peerPort);
    }

    private static TrustManagerFactory trustManagerFactory(Path trustFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (X509Certificate certificate : defaultTrustedCertificates()) {
                store.setCertificateEntry("jdk-" + index++, certificate);
            }
            if (trustFile != null) {
                for (X509Certificate certificate : readPem(trustFile)) {
                    store.setCertificateEntry("trust-file-" + index++, certificate);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("failed to build the verifying trust store: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> defaultTrustedCertificates() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> certificates = new ArrayList<>();
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                certificates.addAll(List.of(x509.getAcceptedIssuers()));
            }
        }
        return certificates;
    }

    private static List<X509Certificate> readPem(Path trustFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(trustFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "invalid trust file " + trustFile + ": " + e.getMessage() + "; expected PEM CA certificates", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid trust file " + trustFile + ": no certificates found; expected PEM CA certificates");
        }
        List<X509Certificate> result = new ArrayList<>();
        for (Certificate certificate : certificates) {
            result.add((X509Certificate) certificate);
        }
        return result;
    }
}
