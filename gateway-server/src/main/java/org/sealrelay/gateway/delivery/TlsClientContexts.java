package org.sealrelay.gateway.delivery;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
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
 * TLS 1.2 and 1.3. They use OpenSSL (netty-tcnative BoringSSL) where it loads, as the listener
 * does, because the JDK provider's handshake costs several times the CPU; the trust decision is
 * still the Java trust managers' in both cases.
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
    private static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

    private final SslContext unverified;
    private final SslContext verified;
    private final TrustManagerFactory pkix;

    private TlsClientContexts(SslContext unverified, SslContext verified, TrustManagerFactory pkix) {
        this.unverified = unverified;
        this.verified = verified;
        this.pkix = pkix;
    }

    /** Returns the PKIX trust manager of the {@code verify} level, for MTA-STS testing mode. */
    javax.net.ssl.X509ExtendedTrustManager pkixTrustManager() {
        for (TrustManager manager : pkix.getTrustManagers()) {
            if (manager instanceof javax.net.ssl.X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new IllegalStateException("the JDK offered no X509ExtendedTrustManager for PKIX validation");
    }

    /** Returns a JDK context that validates with the {@code verify} level's trust store, for HTTPS. */
    javax.net.ssl.SSLContext pkixContext() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, pkix.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("failed to build the HTTPS client context: " + e.getMessage(), e);
        }
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
                    .sslProvider(PROVIDER)
                    .protocols(PROTOCOLS)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .build();
            TrustManagerFactory pkix = trustManagerFactory(trustFile);
            SslContext verified = SslContextBuilder.forClient()
                    .sslProvider(PROVIDER)
                    .protocols(PROTOCOLS)
                    .trustManager(pkix)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
            return new TlsClientContexts(unverified, verified, pkix);
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
        return withTrustManager(trustManager, null);
    }

    /**
     * Builds a context around {@code trustManager} that passes {@code endpointIdentification}
     * (such as {@code HTTPS}, or null for none) to it through the engine's parameters.
     */
    static SslContext withTrustManager(javax.net.ssl.TrustManager trustManager, String endpointIdentification) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(PROVIDER)
                    .protocols(PROTOCOLS)
                    .trustManager(trustManager)
                    .endpointIdentificationAlgorithm(endpointIdentification)
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

    /** Builds the PKIX trust managers: the JDK defaults plus the CAs of {@code trustFile}, which may be null. */
    static TrustManagerFactory trustManagerFactory(Path trustFile) {
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
