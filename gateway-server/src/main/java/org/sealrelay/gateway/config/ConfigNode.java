package org.sealrelay.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node with its dotted setting name and file position, so that every error can say
 * {@code file:line:column: name: problem}. A mapping also tracks which keys were read, so that
 * an unknown key (usually a typo) is reported instead of silently ignored.
 */
final class ConfigNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|k|kb|kib|m|mb|mib|g|gb|gib)", Pattern.CASE_INSENSITIVE);

    private final String file;
    private final String name;
    private final Node node;
    private final Map<String, Node> entries;
    private final Set<String> readKeys = new LinkedHashSet<>();

    ConfigNode(String file, String name, Node node) throws ConfigException {
        this.file = file;
        this.name = name;
        this.node = node;
        if (node instanceof MappingNode mapping) {
            entries = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw error(tuple.getKeyNode(), "keys must be plain names");
                }
                if (entries.putIfAbsent(key.getValue(), tuple.getValueNode()) != null) {
                    throw error(key, "key '" + key.getValue() + "' appears twice");
                }
            }
        } else {
            entries = Map.of();
        }
    }

    String name() {
        return name;
    }

    /** Returns the child mapping, or null when the key is absent or empty. */
    ConfigNode child(String key) throws ConfigException {
        Node value = take(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof MappingNode)) {
            throw error(value, childName(key) + ": expected a mapping of settings");
        }
        return new ConfigNode(file, childName(key), value);
    }

    /** Returns the child sequence's mappings; empty when absent. */
    List<ConfigNode> childList(String key) throws ConfigException {
        Node value = take(key);
        List<ConfigNode> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(value, childName(key) + ": expected a list");
        }
        int index = 0;
        for (Node item : sequence.getValue()) {
            if (!(item instanceof MappingNode)) {
                throw error(item, childName(key) + "[" + index + "]: expected a mapping of settings");
            }
            result.add(new ConfigNode(file, childName(key) + "[" + index + "]", item));
            index++;
        }
        return result;
    }

    /** Returns a scalar's text, or {@code fallback} when absent or null. */
    String string(String key, String fallback) throws ConfigException {
        Node value = take(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof ScalarNode scalar)) {
            throw error(value, childName(key) + ": expected a single value");
        }
        return scalar.getValue().trim();
    }

    /** Returns a list of scalars; a single scalar counts as a list of one. */
    List<String> strings(String key, List<String> fallback) throws ConfigException {
        Node value = take(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof ScalarNode scalar) {
            return List.of(scalar.getValue().trim());
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw error(value, childName(key) + ": expected a list of values");
        }
        List<String> result = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw error(item, childName(key) + ": expected a list of single values");
            }
            result.add(scalar.getValue().trim());
        }
        return result;
    }

    /** Returns a mapping of scalar to scalar, such as domain to TLS level. */
    Map<String, String> stringMap(String key) throws ConfigException {
        Node value = take(key);
        Map<String, String> result = new LinkedHashMap<>();
        if (value == null) {
            return result;
        }
        ConfigNode mapping = new ConfigNode(file, childName(key), value);
        if (!(value instanceof MappingNode)) {
            throw error(value, childName(key) + ": expected a mapping");
        }
        for (String entryKey : mapping.entries.keySet()) {
            result.put(entryKey, mapping.string(entryKey, ""));
        }
        return result;
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(entries.get(key), childName(key) + ": invalid value '" + text + "': expected true or false");
        };
    }

    int integer(String key, int fallback, int min, int max) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw error(entries.get(key), childName(key) + ": invalid value '" + text + "': expected a whole number from "
                + min + " to " + max);
    }

    /** Parses durations such as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h} or {@code 5d}. */
    Duration duration(String key, Duration fallback) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw error(entries.get(key), childName(key) + ": invalid duration '" + text
                    + "': expected a number with a unit ms, s, m, h or d, such as 30s or 5m");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    /** Parses octet counts such as {@code 36700160}, {@code 35MiB} or {@code 512k} (binary multiples). */
    long size(String key, long fallback) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return fallback;
        }
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches() || matcher.group(1).length() > 15) {
            throw error(entries.get(key), childName(key) + ": invalid size '" + text
                    + "': expected octets, optionally with KiB, MiB or GiB, such as 35MiB");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        return switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case 'k' -> amount << 10;
            case 'm' -> amount << 20;
            case 'g' -> amount << 30;
            default -> amount;
        };
    }

    /** Fails on keys that were never read, naming the first one. */
    void rejectUnknownKeys() throws ConfigException {
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            if (!readKeys.contains(entry.getKey())) {
                throw error(entry.getValue(), "unknown setting " + childName(entry.getKey())
                        + "; check its spelling against config/sealrelay.yaml");
            }
        }
    }

    /** Returns an error positioned at this key's value, or at this node when the key is absent. */
    ConfigException invalid(String key, String problem) {
        Node at = entries.getOrDefault(key, node);
        return error(at, childName(key) + ": " + problem);
    }

    private Node take(String key) {
        readKeys.add(key);
        Node value = entries.get(key);
        if (value instanceof ScalarNode scalar && (scalar.getTag().equals(Tag.NULL) || scalar.getValue().isBlank())) {
            return null;
        }
        return value;
    }

    private String childName(String key) {
        return name.isEmpty() ? key : name + "." + key;
    }

    private ConfigException error(Node at, String message) {
        return new ConfigException(position(at) + message);
    }

    private String position(Node at) {
        return at.getStartMark()
                .map(mark -> file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ")
                .orElse(file + ": ");
    }
}
