package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sealrelay.policy.detect.Detector;
import org.sealrelay.policy.detect.DetectorSet;
import org.sealrelay.policy.detect.KeywordDetector;
import org.sealrelay.policy.detect.PatternDetector;

/**
 * Reads the {@code detectors} section: each entry names a detector defined by a
 * {@code pattern} (a regular expression, counted per match) or by {@code keywords} (a
 * dictionary, matched as whole words). Only {@code mrn} among the built-in names may be
 * redefined, because its shape differs per organisation.
 */
final class DetectorParser {
    private DetectorParser() {
    }

    static List<Detector> parse(YamlNode section) throws PolicyFileException {
        List<String> builtInNames = DetectorSet.builtIn().stream().map(Detector::name).toList();
        List<Detector> detectors = new ArrayList<>();
        for (Map.Entry<String, YamlNode> entry : section.entries().entrySet()) {
            String name = entry.getKey();
            YamlNode node = entry.getValue();
            if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
                throw node.keyError(node.path() + ": invalid detector name: expected lower-case letters, digits and '-'");
            }
            if (builtInNames.contains(name) && !name.equals("mrn")) {
                throw node.keyError(node.path() + ": detector '" + name
                        + "' is built in and cannot be redefined; choose another name");
            }
            detectors.add(parseDetector(name, node));
        }
        return detectors;
    }

    private static Detector parseDetector(String name, YamlNode node) throws PolicyFileException {
        Map<String, YamlNode> entries = node.entries();
        if (entries.size() != 1 || !(entries.containsKey("pattern") || entries.containsKey("keywords"))) {
            throw node.error(node.path() + ": expected exactly one of pattern or keywords");
        }
        if (entries.containsKey("pattern")) {
            YamlNode patternNode = entries.get("pattern");
            return new PatternDetector(name, ConditionParser.compile(patternNode));
        }
        YamlNode keywordsNode = entries.get("keywords");
        List<String> keywords = keywordsNode.texts();
        for (String keyword : keywords) {
            if (keyword.isEmpty()) {
                throw keywordsNode.error(keywordsNode.path() + ": keywords must not be empty");
            }
        }
        return new KeywordDetector(name, keywords);
    }
}
