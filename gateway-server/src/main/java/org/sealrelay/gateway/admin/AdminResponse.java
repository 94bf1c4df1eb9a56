package org.sealrelay.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The status, media type and body of an admin response.
 *
 * @param status HTTP status code
 * @param contentType value of the Content-Type header
 * @param body the response body
 */
record AdminResponse(int status, String contentType, byte[] body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String JSON = "application/json";

    /** Returns a JSON response. */
    static AdminResponse json(int status, JsonNode body) {
        try {
            byte[] octets = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
            return new AdminResponse(status, JSON, octets);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("serializing a JSON tree failed", e);
        }
    }

    /** Returns a JSON error body {@code {"error": message}}. */
    static AdminResponse error(int status, String message) {
        return json(status, JsonNodeFactory.instance.objectNode().put("error", message));
    }

    /** Returns the body as text, for tests and logs of error responses. */
    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
