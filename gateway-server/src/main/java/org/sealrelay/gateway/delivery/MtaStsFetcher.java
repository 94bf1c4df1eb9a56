package org.sealrelay.gateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Fetches MTA-STS policies over HTTPS as RFC 8461 section 3.3 requires: PKIX validation of the
 * server's certificate and host name, no redirects, status 200 only, media type
 * {@code text/plain}, at most {@link #MAX_POLICY_OCTETS} octets and a timeout.
 */
final class MtaStsFetcher {
    /** RFC 8461 section 3.3 suggests a 64 KB limit on the policy body. */
    static final int MAX_POLICY_OCTETS = 64 * 1024;

    /** A policy body that was fetched but does not parse (RFC 8461 section 3.2). */
    static final class InvalidPolicyException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidPolicyException(String message, IllegalArgumentException cause) {
            super(message, cause);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Function<String, URI> policyUris;

    /**
     * @param pkix context that validates certificate chains against the trusted CAs
     * @param timeout for connecting and for the whole response
     * @param policyUris the policy URI of a domain; production uses {@link #wellKnownUri}
     */
    MtaStsFetcher(SSLContext pkix, Duration timeout, Function<String, URI> policyUris) {
        this.client = HttpClient.newBuilder()
                .sslContext(pkix)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        this.timeout = timeout;
        this.policyUris = policyUris;
    }

    /** Returns {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}. */
    static URI wellKnownUri(String domain) {
        return URI.create("https://mta-sts." + domain + "/.well-known/mta-sts.txt");
    }

    /**
     * Fetches and parses the policy of {@code domain}. The future fails with an
     * {@link IOException} whose message gives the reason: an {@link InvalidPolicyException} when
     * the body is not a valid policy.
     */
    CompletableFuture<MtaStsPolicy> fetch(String domain) {
        URI uri = policyUris.apply(domain);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> parse(uri, response));
    }

    /**
     * Returns the RFC 8460 result type of a failed {@link #fetch}: {@code sts-webpki-invalid}
     * when the policy host's certificate failed PKIX validation or named another host,
     * {@code sts-policy-invalid} when the body was fetched but is not a valid policy, and
     * {@code sts-policy-fetch-error} for everything else, such as no connection, a timeout, a
     * status other than 200, another media type or an oversized body.
     */
    static TlsReportCounters.FailureType failureType(Throwable error) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (current instanceof CertificateException || current instanceof CertPathValidatorException
                    || current instanceof CertPathBuilderException) {
                return TlsReportCounters.FailureType.STS_WEBPKI_INVALID;
            }
            if (current instanceof InvalidPolicyException) {
                return TlsReportCounters.FailureType.STS_POLICY_INVALID;
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return TlsReportCounters.FailureType.STS_POLICY_FETCH_ERROR;
    }

    private static MtaStsPolicy parse(URI uri, HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("MTA-STS policy fetch from " + uri + " failed: expected status 200; got "
                        + response.statusCode());
            }
            String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith("text/plain")) {
                throw new IOException("MTA-STS policy fetch from " + uri + " failed: expected text/plain; got '"
                        + SafeText.escape(type) + "'");
            }
            byte[] octets = body.readNBytes(MAX_POLICY_OCTETS + 1);
            if (octets.length > MAX_POLICY_OCTETS) {
                throw new IOException("MTA-STS policy at " + uri + " exceeds the limit of " + MAX_POLICY_OCTETS
                        + " octets");
            }
            try {
                return MtaStsPolicy.parse(new String(octets, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidPolicyException("MTA-STS policy at " + uri + " is invalid: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }
}
