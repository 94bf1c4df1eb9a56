package org.sealrelay.gateway.admin;

import java.util.List;
import java.util.Map;

/**
 * An authenticated admin request, already split into its parts.
 *
 * @param method HTTP method in upper case
 * @param path the path without the query, such as {@code /v1/queue/01JG...}
 * @param query query parameters in order, each with all its values
 */
record AdminRequest(String method, String path, Map<String, List<String>> query) {
    AdminRequest {
        query = Map.copyOf(query);
    }

    /** Returns the last value of a parameter, or null when absent. */
    String parameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** Returns every value of a parameter; empty when absent. */
    List<String> parameters(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** Returns whether a flag parameter is present and not {@code false}. */
    boolean flag(String name) {
        String value = parameter(name);
        return value != null && !value.equalsIgnoreCase("false");
    }
}
