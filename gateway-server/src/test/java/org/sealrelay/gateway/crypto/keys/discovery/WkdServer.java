package org.sealrelay.gateway.crypto.keys.discovery;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.sealrelay.gateway.crypto.TestCertificates;

/**
 * A loopback Web Key Directory: a JDK {@code HttpsServer} on 127.0.0.1, port 0, with a
 * certificate for {@code localhost} issued by a CA made for the test. It serves the bodies put
 * into {@link #responses()} by request path and records every request as path and query.
 */
final class WkdServer implements AutoCloseable {
    private final HttpsServer server;
    private final X509Certificate authority;
    private final Map<String, byte[]> responses = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    WkdServer() throws Exception {
        KeyPair caKeys = ecKeys();
        X500Name caName = new X500Name("CN=WKD Test CA");
        X509v3CertificateBuilder ca = builder(caName, caName, caKeys);
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        authority = sign(ca, caKeys);

        KeyPair serverKeys = ecKeys();
        X509v3CertificateBuilder leaf = builder(caName, new X500Name("CN=localhost"), serverKeys);
        leaf.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        X509Certificate serverCertificate = sign(leaf, caKeys);

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serverKeys.getPrivate(), new char[0],
                new X509Certificate[] {serverCertificate, authority});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            URI uri = exchange.getRequestURI();
            requests.add(uri.getRawPath() + "?" + uri.getRawQuery());
            byte[] body = responses.get(uri.getRawPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                // The client may stop reading a body over its limit.
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    Map<String, byte[]> responses() {
        return responses;
    }

    List<String> requests() {
        return requests;
    }

    /** Writes the test CA as PEM, for {@link HttpsTrust#pkixContext}. */
    Path writeAuthority(Path file) throws IOException {
        Files.writeString(file, TestCertificates.pem(authority), StandardCharsets.US_ASCII);
        return file;
    }

    /** Returns a rewrite that sends every request to this server, keeping path and query. */
    java.util.function.UnaryOperator<URI> endpoint() {
        return uri -> URI.create("https://localhost:" + port() + uri.getRawPath() + "?" + uri.getRawQuery());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }
}
