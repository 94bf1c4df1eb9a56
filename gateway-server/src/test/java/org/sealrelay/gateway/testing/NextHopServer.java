package org.sealrelay.gateway.testing;

import java.net.InetAddress;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.sealrelay.gateway.tls.SelfSignedCertificate;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A SubEthaSMTP server on 127.0.0.1 and a free port, standing in for the next hop. It records
 * every message it accepts with its envelope and whether the session used TLS, and counts the
 * connections it accepted.
 */
public final class NextHopServer implements AutoCloseable {
    /** One accepted message for one recipient, as SubEthaSMTP delivers them. */
    public record Received(String from, String to, byte[] data, boolean overTls) {
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private NextHopServer(boolean startTls, int port) throws Exception {
        SMTPServer.Builder builder = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("nexthop.test")
                .insertReceivedHeaders(false)
                // SubEthaSMTP's default backlog of 50 drops the handshakes of a burst of
                // connections, such as the load generator's 200 sessions opening at once.
                .backlog(1024)
                .sessionHandler(new SessionHandler() {
                    @Override
                    public SessionAcceptance accept(Session session) {
                        connections.incrementAndGet();
                        return SessionAcceptance.success();
                    }

                    @Override
                    public void onSessionEnd(Session session) {
                        // Only accepted connections are counted.
                    }
                })
                .messageHandler((context, from, to, data) -> received.add(
                        new Received(from, to, data, context instanceof Session session && session.isTLSStarted())));
        if (startTls) {
            builder.enableTLS().startTlsSocketFactory(selfSignedContext());
        }
        server = builder.build();
        server.start();
    }

    /** Starts a next hop that offers STARTTLS with a self-signed certificate. */
    public static NextHopServer withStartTls() throws Exception {
        return new NextHopServer(true, 0);
    }

    /** Starts a next hop that offers no STARTTLS. */
    public static NextHopServer withoutStartTls() throws Exception {
        return new NextHopServer(false, 0);
    }

    /** Starts a next hop on a given port, for tests that replace one next hop with another. */
    public static NextHopServer onPort(int port, boolean startTls) throws Exception {
        return new NextHopServer(startTls, port);
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** Returns the number of connections accepted since the start. */
    public int connections() {
        return connections.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop();
    }

    private static SSLContext selfSignedContext() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate("nexthop.test",
                List.of("nexthop.test", "localhost"), List.of("127.0.0.1"));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        char[] password = "test".toCharArray();
        keyStore.setKeyEntry("server", certificate.keyPair().getPrivate(), password,
                new Certificate[] {certificate.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, new SecureRandom());
        return context;
    }
}
