package org.sealrelay.gateway.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audit record: a kind, a time and named fields whose values are strings, numbers,
 * booleans or lists of strings. Callers put only PHI-free values in, with addresses hashed by
 * {@link AuditKey#addressHash}.
 */
public final class AuditEvent {
    private final String kind;
    private final Instant time;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    /**
     * @param kind what happened, such as {@code decision} or {@code admin}
     * @param time when it happened
     */
    public AuditEvent(String kind, Instant time) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.time = Objects.requireNonNull(time, "time");
    }

    /** Adds a text field and returns this event. */
    public AuditEvent with(String name, String value) {
        fields.put(name, Objects.requireNonNull(value, name));
        return this;
    }

    /** Adds a number field and returns this event. */
    public AuditEvent with(String name, long value) {
        fields.put(name, value);
        return this;
    }

    /** Adds a boolean field and returns this event. */
    public AuditEvent with(String name, boolean value) {
        fields.put(name, value);
        return this;
    }

    /** Adds a list of texts and returns this event. */
    public AuditEvent with(String name, List<String> values) {
        fields.put(name, List.copyOf(values));
        return this;
    }

    /** Returns the kind. */
    public String kind() {
        return kind;
    }

    /** Returns the fields in the order they were added. */
    public Map<String, Object> fields() {
        return Map.copyOf(fields);
    }

    /**
     * Returns the JSON object for this event without its closing brace, so the log can append
     * the sequence number and the chain MAC: {@code {"time":...,"event":...,FIELDS}.
     */
    String jsonBody(long sequence) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"seq\":").append(sequence);
        json.append(",\"time\":");
        Json.appendString(json, time.toString());
        json.append(",\"event\":");
        Json.appendString(json, kind);
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            json.append(',');
            Json.appendString(json, field.getKey());
            json.append(':');
            appendValue(json, field.getValue());
        }
        return json.toString();
    }

    private static void appendValue(StringBuilder json, Object value) {
        if (value instanceof String text) {
            Json.appendString(json, text);
        } else if (value instanceof List<?> list) {
            json.append('[');
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(String.valueOf(item));
            }
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                Json.appendString(json, items.get(i));
            }
            json.append(']');
        } else {
            json.append(value);
        }
    }
}
