package org.sealrelay.gateway.tlsrpt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts gzip reports to {@code https:} endpoints (RFC 8460 section 5.4): media type
 * {@code application/tlsrpt+gzip}, PKIX validation of the server certificate and host name, no
 * redirects, and any 2xx status as success. A failed post is tried again after each of the
 * configured delays, then given up with a log line; section 5.5 makes redelivery optional.
 *
 * <p>Calls block on the network and on the retry delays, so they run on the report thread only.
 */
public final class HttpsReportSender {
    private static final Logger log = LoggerFactory.getLogger(HttpsReportSender.class);

    /** Delays before the second and third attempts. */
    public static final List<Duration> DEFAULT_RETRY_DELAYS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(10));
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final Duration timeout;
    private final List<Duration> retryDelays;

    /**
     * @param pkix context that validates certificate chains against the trusted CAs
     * @param timeout for connecting and for the whole response of one attempt
     * @param retryDelays waits before each further attempt; empty means one attempt
     */
    public HttpsReportSender(SSLContext pkix, Duration timeout, List<Duration> retryDelays) {
        this.client = HttpClient.newBuilder()
                .sslContext(pkix)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        this.timeout = timeout;
        this.retryDelays = List.copyOf(retryDelays);
    }

    /**
     * Posts {@code gzipReport} to {@code uri}, with retries.
     *
     * @return whether an attempt got a 2xx status
     * @throws InterruptedException if the thread is interrupted while posting or waiting
     */
    public boolean post(URI uri, String domain, byte[] gzipReport) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", AggregateReport.GZIP_MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipReport))
                .build();
        int attempts = retryDelays.size() + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String failure;
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    log.info("domain={} TLS report posted to {}: status {}", domain, uri, response.statusCode());
                    return true;
                }
                failure = "status " + response.statusCode();
            } catch (IOException e) {
                failure = e.toString();
            }
            if (attempt == attempts) {
                log.warn("domain={} TLS report post to {} failed after {} attempt(s), giving up: {}", domain, uri,
                        attempts, failure);
                return false;
            }
            Duration delay = retryDelays.get(attempt - 1);
            log.info("domain={} TLS report post to {} failed (attempt {} of {}), retrying in {} s: {}", domain, uri,
                    attempt, attempts, delay.toSeconds(), failure);
            Thread.sleep(delay.toMillis());
        }
        return false;
    }
}
