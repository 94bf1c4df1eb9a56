package org.sealrelay.gateway.delivery;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS server (JDK {@code HttpsServer}) on 127.0.0.1 and a free port that serves MTA-STS
 * policies at {@code /<domain>/.well-known/mta-sts.txt} and counts every request. A domain
 * without a policy gets the reply chosen at construction.
 */
final class MtaStsPolicyServer implements AutoCloseable {
    /** The reply to a request for a domain without a policy. */
    enum Missing {
        /** 302 to another host, which a fetcher must not follow. */
        REDIRECT,
        /** 404 Not Found. */
        NOT_FOUND
    }

    private final HttpsServer server;
    private final Map<String, String> policies = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();

    /** Starts a server that presents the certificate of {@code tls}. */
    MtaStsPolicyServer(SSLContext tls, Missing missing) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            fetches.incrementAndGet();
            String body = policies.get(exchange.getRequestURI().getPath().split("/")[1]);
            if (body == null) {
                if (missing == Missing.REDIRECT) {
                    exchange.getResponseHeaders().add("Location", "https://elsewhere.test/");
                    exchange.sendResponseHeaders(302, -1);
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
                exchange.close();
                return;
            }
            byte[] octets = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, octets.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(octets);
            }
        });
        server.start();
    }

    /** Returns the text of an enforce-mode policy for {@code mx} with the given max_age. */
    static String enforce(String mx, long maxAgeSeconds) {
        return "version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: " + maxAgeSeconds + "\n";
    }

    /** Serves {@code policy} for {@code domain} from now on. */
    void put(String domain, String policy) {
        policies.put(domain, policy);
    }

    /** Stops serving a policy for {@code domain}. */
    void remove(String domain) {
        policies.remove(domain);
    }

    /** Returns the number of requests served since the start, with or without a policy. */
    int fetches() {
        return fetches.get();
    }

    /** Returns the policy URI of {@code domain} on this server, for an {@code MtaStsFetcher}. */
    URI policyUri(String domain) {
        return URI.create("https://localhost:" + server.getAddress().getPort() + "/" + domain
                + "/.well-known/mta-sts.txt");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
