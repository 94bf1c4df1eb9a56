package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A node of the rules file with its dotted path, such as {@code rules[2].when}, so that every
 * error can name the file position and the setting.
 */
final class YamlNode {
    private final String source;
    private final String path;
    private final Node node;
    private final Node keyNode;

    YamlNode(String source, String path, Node node) {
        this(source, path, node, null);
    }

    private YamlNode(String source, String path, Node node, Node keyNode) {
        this.source = source;
        this.path = path;
        this.node = node;
        this.keyNode = keyNode;
    }

    String path() {
        return path;
    }

    boolean isScalar() {
        return node instanceof ScalarNode;
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** Returns the entries of a mapping in file order; duplicate keys are errors. */
    Map<String, YamlNode> entries() throws PolicyFileException {
        if (!(node instanceof MappingNode mapping)) {
            throw error(path + ": expected a mapping");
        }
        Map<String, YamlNode> result = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlNode(source, path, tuple.getKeyNode()).error(path + ": keys must be plain names");
            }
            YamlNode value = new YamlNode(source, child(key.getValue()), tuple.getValueNode(), key);
            if (result.putIfAbsent(key.getValue(), value) != null) {
                throw new YamlNode(source, path, key).error(child(key.getValue()) + ": key appears twice");
            }
        }
        return result;
    }

    /** Returns the items of a sequence. */
    List<YamlNode> items() throws PolicyFileException {
        if (!(node instanceof SequenceNode sequence)) {
            throw error(path + ": expected a list");
        }
        List<YamlNode> result = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            result.add(new YamlNode(source, path + "[" + result.size() + "]", item));
        }
        return result;
    }

    /** Returns the text of a scalar. */
    String text() throws PolicyFileException {
        if (!(node instanceof ScalarNode scalar)) {
            throw error(path + ": expected a single value");
        }
        return scalar.getValue().trim();
    }

    /** Returns a list of scalar texts; a single scalar counts as a list of one. */
    List<String> texts() throws PolicyFileException {
        if (node instanceof ScalarNode) {
            return List.of(text());
        }
        List<String> result = new ArrayList<>();
        for (YamlNode item : items()) {
            result.add(item.text());
        }
        if (result.isEmpty()) {
            throw error(path + ": expected at least one value");
        }
        return result;
    }

    /** Returns {@code true} or {@code false}. */
    boolean bool() throws PolicyFileException {
        String text = text();
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(path + ": invalid value '" + text + "': expected true or false");
        };
    }

    /** Returns a whole number in {@code [min, max]}. */
    int integer(int min, int max) throws PolicyFileException {
        String text = text();
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw error(path + ": invalid value '" + text + "': expected a whole number from " + min + " to " + max);
    }

    /** Returns an error positioned at this node: {@code file:line:column: message}. */
    PolicyFileException error(String message) {
        return errorAt(node, message);
    }

    /** Returns an error positioned at the key of this mapping entry, for unknown or misplaced keys. */
    PolicyFileException keyError(String message) {
        return errorAt(keyNode == null ? node : keyNode, message);
    }

    private PolicyFileException errorAt(Node at, String message) {
        String where = at.getStartMark()
                .map(mark -> source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ")
                .orElse(source + ": ");
        return new PolicyFileException(where + message);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
