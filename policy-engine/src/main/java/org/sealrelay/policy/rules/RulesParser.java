package org.sealrelay.policy.rules;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.detect.Detector;
import org.sealrelay.policy.detect.DetectorSet;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a rules file. The file has three top-level keys:
 *
 * <pre>
 * detectors:            # optional: extra detectors, or a replacement for the built-in mrn
 *   mrn:
 *     pattern: 'MRN-\d{8}'
 *   oncology-terms:
 *     keywords: [chemotherapy, radiotherapy]
 * rules:                # exempt rules first, then the others, in file order; the first that
 *                       # matches a recipient decides
 *   - name: block-ssn-to-webmail
 *     when: {recipient-domain: [gmail.com], detector: ssn}
 *     reject: {code: 550, enhanced-code: 5.7.1, text: Message contains a Social Security number}
 * default:              # required: the action when no rule matches
 *   deliver: [tls-encrypt]
 * </pre>
 *
 * <p>Every error names {@code file:line:column} and the setting, and the whole file is
 * rejected, so a caller that reloads keeps its previous rules.
 */
public final class RulesParser {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("detectors", "rules", "default");
    private static final Set<String> RULE_KEYS = Set.of("name", "when");

    private RulesParser() {
    }

    /**
     * Parses rules text.
     *
     * @param source file name used in error messages
     * @throws PolicyFileException with {@code source:line:column: problem}
     */
    public static RulesPolicy parse(String source, String text) throws PolicyFileException {
        YamlNode root = compose(source, text);
        Map<String, YamlNode> entries = root.entries();
        for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
            if (!TOP_LEVEL_KEYS.contains(entry.getKey())) {
                throw entry.getValue().keyError("unknown setting '" + entry.getKey()
                        + "'; expected detectors, rules or default");
            }
        }
        List<Detector> configured = entries.containsKey("detectors")
                ? DetectorParser.parse(entries.get("detectors"))
                : List.of();
        DetectorSet detectors = DetectorSet.of(configured);
        ConditionParser conditions = new ConditionParser(detectors);

        // The default is read first, because exempt rules and archive copies without a plan of
        // their own take the default's plan.
        YamlNode defaultNode = entries.get("default");
        if (defaultNode == null) {
            throw root.error("missing setting 'default': add the action for mail that no rule matches,"
                    + " such as default: {deliver: [tls-encrypt]}");
        }
        RuleAction defaultAction = ActionParser.parse(defaultNode, defaultNode.entries(), Set.of(), Optional.empty());
        Optional<DeliveryPlan> defaultPlan = Optional.ofNullable(defaultAction.plan());

        List<Rule> rules = new ArrayList<>();
        if (entries.containsKey("rules")) {
            Set<String> names = new HashSet<>();
            for (YamlNode ruleNode : entries.get("rules").items()) {
                Rule rule = parseRule(ruleNode, conditions, defaultPlan);
                if (!names.add(rule.name())) {
                    throw ruleNode.entries().get("name").error(ruleNode.path() + ".name: rule name '"
                            + rule.name() + "' is used twice; names must be unique");
                }
                rules.add(rule);
            }
        }
        return new RulesPolicy(rules, defaultAction, detectors);
    }

    private static YamlNode compose(String source, String text) throws PolicyFileException {
        Optional<Node> root;
        try (StringReader reader = new StringReader(text)) {
            LoadSettings settings = LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false).build();
            root = new Compose(settings).composeReader(reader);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark()
                    .map(mark -> source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ")
                    .orElse(source + ": ");
            throw new PolicyFileException(where + "invalid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new PolicyFileException(source + ": invalid YAML: " + e.getMessage(), e);
        }
        if (root.isEmpty()) {
            throw new PolicyFileException(source + ":1:1: the rules file is empty; it needs at least a default action");
        }
        YamlNode node = new YamlNode(source, "", root.get());
        if (!node.isMapping()) {
            throw node.error("expected a mapping with the keys detectors, rules and default");
        }
        return node;
    }

    /**
     * Rejects an exempt rule whose condition reads content: an exemption skips the content rules,
     * so content must not be able to grant it, and the rule needs a condition so that it does not
     * exempt all mail by accident.
     */
    private static void checkExemptCondition(YamlNode ruleNode, YamlNode when) throws PolicyFileException {
        if (when == null) {
            throw ruleNode.error(ruleNode.path() + ": an exempt rule needs a when condition, such as"
                    + " recipient-domain-suffix: [clinic.example]");
        }
        for (String key : ConditionParser.keysOf(when)) {
            if (ConditionParser.CONTENT_KEYS.contains(key)) {
                throw when.error(when.path() + ": an exempt rule cannot test the content ('" + key
                        + "'); use envelope and client conditions only");
            }
        }
    }

    private static Rule parseRule(YamlNode ruleNode, ConditionParser conditions, Optional<DeliveryPlan> defaultPlan)
            throws PolicyFileException {
        Map<String, YamlNode> entries = ruleNode.entries();
        YamlNode nameNode = entries.get("name");
        if (nameNode == null) {
            throw ruleNode.error(ruleNode.path() + ": missing setting 'name'");
        }
        String name = nameNode.text();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw nameNode.error(nameNode.path() + ": invalid rule name '" + name
                    + "': expected 1 to 64 letters, digits, '.', '_' or '-'");
        }
        Condition when = entries.containsKey("when") ? conditions.parse(entries.get("when")) : Condition.ALWAYS;
        RuleAction action = ActionParser.parse(ruleNode, entries, RULE_KEYS, defaultPlan);
        if (action.exempt()) {
            checkExemptCondition(ruleNode, entries.get("when"));
        }
        return new Rule(name, when, action);
    }
}
