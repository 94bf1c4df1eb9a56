package org.sealrelay.gateway.crypto.keys.discovery;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyFileParser;
import org.sealrelay.gateway.crypto.keys.KeyKind;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.RecipientKey;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenPGP keys from a Web Key Directory (draft-koch-openpgp-webkey-service, section 3.1). The
 * advanced method is tried first:
 * {@code https://openpgpkey.DOMAIN/.well-known/openpgpkey/DOMAIN/hu/HASH?l=LOCAL}. The draft
 * allows the direct method, {@code https://DOMAIN/.well-known/openpgpkey/hu/HASH?l=LOCAL}, only
 * when the {@code openpgpkey} subdomain does not exist, so it is tried only when the advanced
 * request fails without an HTTP response (unknown host, refused connection, TLS failure). An
 * HTTP status such as 404 from the advanced host is the final answer. HASH is the z-base-32
 * encoded SHA-1 of the lower-cased local part.
 *
 * <p>Only HTTPS with PKIX validation of the server certificate and its host name is used.
 * Redirects are not followed, the body is limited to {@link #MAX_KEY_OCTETS} and the whole
 * fetch to the timeout. Of the keys in the response, only those with a self-certified user ID
 * that names the address are kept, because a directory may serve several keys.
 *
 * <p>NOTE: a redirect counts as no key, although the draft allows a server to redirect.
 */
public final class WkdFinder implements KeyFinder {
    private static final Logger log = LoggerFactory.getLogger(WkdFinder.class);
    /**
     * Largest key response read. Keys with many certifications reach hundreds of KiB (an
     * estimate); 1 MiB leaves room and bounds memory per fetch.
     */
    static final int MAX_KEY_OCTETS = 1 << 20;
    /** Default limit for connecting and for the whole response. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient client;
    private final Duration timeout;
    private final UnaryOperator<URI> endpoints;

    /**
     * @param pkix validates server certificates, see {@link HttpsTrust#pkixContext}
     * @param timeout for connecting and for each whole response
     */
    public WkdFinder(SSLContext pkix, Duration timeout) {
        this(pkix, timeout, UnaryOperator.identity());
    }

    /**
     * Creates a finder whose request URIs are rewritten, so that tests can send them to a
     * loopback server on its own port. Production code uses the public constructor.
     */
    WkdFinder(SSLContext pkix, Duration timeout, UnaryOperator<URI> endpoints) {
        this.client = HttpClient.newBuilder()
                .sslContext(pkix)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.endpoints = endpoints;
    }

    @Override
    public KeySource source() {
        return KeySource.WKD;
    }

    /** Returns the advanced-method URI for an address (draft section 3.1). */
    static URI advancedUri(String address) {
        String domain = domain(address);
        return URI.create("https://openpgpkey." + domain + "/.well-known/openpgpkey/" + domain + "/hu/" + hash(address)
                + "?l=" + localQuery(address));
    }

    /** Returns the direct-method URI for an address (draft section 3.1). */
    static URI directUri(String address) {
        return URI.create("https://" + domain(address) + "/.well-known/openpgpkey/hu/" + hash(address) + "?l="
                + localQuery(address));
    }

    @Override
    public CompletableFuture<List<DiscoveredKey>> find(String address) {
        return fetch(advancedUri(address), address).handle((keys, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(keys);
            }
            log.debug("WKD advanced method for {} failed, trying the direct method: {}", Redact.address(address),
                    describe(error));
            return fetch(directUri(address), address);
        }).thenCompose(next -> next);
    }

    private CompletableFuture<List<DiscoveredKey>> fetch(URI uri, String address) {
        URI target = endpoints.apply(uri);
        HttpRequest request = HttpRequest.newBuilder(target).timeout(timeout).GET().build();
        String description = "WKD response from " + uri.getHost();
        return client.sendAsync(request, response -> response.statusCode() == 200
                        ? new LimitedBody(MAX_KEY_OCTETS, description)
                        : BodySubscribers.replacing(new byte[0]))
                .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenApply(response -> keys(response, uri, address));
    }

    private static List<DiscoveredKey> keys(HttpResponse<byte[]> response, URI uri, String address) {
        if (response.statusCode() != 200) {
            log.debug("WKD at {} has no key for {}: status {}", uri.getHost(), Redact.address(address),
                    response.statusCode());
            return List.of();
        }
        List<RecipientKey> parsed;
        try {
            // The draft requires binary keys, but KeyFileParser also accepts armor.
            parsed = KeyFileParser.parse(response.body());
        } catch (KeyDirectoryException e) {
            log.info("WKD key from {} for {} ignored: {}", uri.getHost(), Redact.address(address), e.getMessage());
            return List.of();
        }
        String location = uri.getScheme() + "://" + uri.getHost() + uri.getPath();
        List<DiscoveredKey> keys = new ArrayList<>();
        for (RecipientKey key : parsed) {
            if (key.kind() == KeyKind.OPENPGP && key.addresses().contains(address)) {
                keys.add(new DiscoveredKey(key, address, KeySource.WKD, location));
            } else {
                log.debug("WKD key {} from {} skipped: no self-certified user ID names {}", key.fingerprint(),
                        uri.getHost(), Redact.address(address));
            }
        }
        return keys;
    }

    private static String domain(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    private static String hash(String address) {
        // Draft section 3.1: the local part is lower-cased (ASCII only) before hashing.
        String local = address.substring(0, address.lastIndexOf('@')).toLowerCase(java.util.Locale.ROOT);
        try {
            return ZBase32.encode(MessageDigest.getInstance("SHA-1").digest(local.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-1", e);
        }
    }

    private static String localQuery(String address) {
        String local = address.substring(0, address.lastIndexOf('@'));
        return URLEncoder.encode(local, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
