package org.sealrelay.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sealrelay.gateway.admin.AdminToken;
import org.sealrelay.gateway.config.AdminConfig;
import org.sealrelay.gateway.config.ConfigException;
import org.sealrelay.gateway.config.ConfigLoader;

/**
 * Sends requests to a running gateway's admin endpoint with the bearer token from the token
 * file, and turns every failure into an {@link AdminClientException} with an exit code.
 */
final class AdminClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A bounce writes notifications to disk for every selected message, so allow more than a connect. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AdminConfig config;
    private final HttpClient http;

    private AdminClient(AdminConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Reads the configuration file for the admin address and token file. */
    static AdminClient fromConfig(Path configFile) throws AdminClientException {
        try {
            return new AdminClient(ConfigLoader.load(configFile).admin());
        } catch (ConfigException e) {
            throw new AdminClientException(QueueExitCodes.CONFIG, e.getMessage(), e);
        }
    }

    /** A response whose status the caller decides about. */
    record Response(int status, byte[] body) {
        JsonNode json() throws AdminClientException {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AdminClientException(QueueExitCodes.SOFTWARE,
                        "the gateway sent a response that is not JSON (status " + status + ")", e);
            }
        }

        /** Returns the {@code error} text of a JSON error body, or the status. */
        String error() {
            try {
                JsonNode error = MAPPER.readTree(body).get("error");
                return error == null ? "HTTP status " + status : error.asText();
            } catch (IOException e) {
                return "HTTP status " + status;
            }
        }
    }

    /**
     * Sends a request and returns its response for statuses 200 to 499, except 401.
     *
     * @param query parameters with all their values; null values are left out
     */
    Response send(String method, String path, Map<String, List<String>> query) throws AdminClientException {
        AdminToken token = readToken();
        String host = config.address().host().contains(":") ? "[" + config.address().host() + "]"
                : config.address().host();
        URI uri = URI.create("http://" + host + ":" + config.address().port() + path + queryString(query));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token.value())
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new AdminClientException(QueueExitCodes.UNAVAILABLE, "cannot connect to the admin endpoint at "
                    + config.address() + ": is the gateway running? start it with scripts/run", e);
        } catch (HttpTimeoutException e) {
            throw new AdminClientException(QueueExitCodes.UNAVAILABLE, "the admin endpoint at " + config.address()
                    + " did not respond within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new AdminClientException(QueueExitCodes.UNAVAILABLE, "request to the admin endpoint at "
                    + config.address() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminClientException(QueueExitCodes.UNAVAILABLE, "interrupted while waiting for the gateway", e);
        }
        Response result = new Response(response.statusCode(), response.body());
        if (result.status() == 401) {
            throw new AdminClientException(QueueExitCodes.NO_PERMISSION, "the gateway rejected the token in "
                    + config.tokenFile() + ": " + result.error() + ". Is this the configuration the gateway runs with?");
        }
        if (result.status() >= 500 || result.status() < 200) {
            throw new AdminClientException(QueueExitCodes.SOFTWARE, "the gateway failed the request: " + result.error());
        }
        return result;
    }

    private AdminToken readToken() throws AdminClientException {
        try {
            return AdminToken.readFrom(config.tokenFile());
        } catch (NoSuchFileException e) {
            throw new AdminClientException(QueueExitCodes.UNAVAILABLE, "admin token file "
                    + config.tokenFile().toAbsolutePath() + " not found: is the gateway running? start it with "
                    + "scripts/run. A relative admin.token-file resolves against the current directory, so run "
                    + "this command where the gateway runs or set an absolute path", e);
        } catch (IOException e) {
            throw new AdminClientException(QueueExitCodes.IO, "cannot read the admin token: " + e.getMessage(), e);
        }
    }

    private static String queryString(Map<String, List<String>> query) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            for (String value : parameter.getValue()) {
                if (value == null) {
                    continue;
                }
                text.append(text.length() == 0 ? '?' : '&')
                        .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }
}
