package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sealrelay.policy.DeliveryMethod;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.Verdict;

/**
 * Reads the action keys of a rule or of the default: exactly one of {@code deliver},
 * {@code reject}, {@code defer} or {@code hold}, plus optional {@code add-header} and
 * {@code subject-tag}.
 */
final class ActionParser {
    private static final String STEP_NAMES = "tls-dane, tls-mta-sts, tls-verify, tls-encrypt, tls-may, tls-none, pgp or smime";
    private static final List<String> VERDICT_KEYS = List.of("deliver", "reject", "defer", "hold");
    private static final String HOLD_REPLY = "451 4.7.0 Message held for review; try again later";

    private ActionParser() {
    }

    /**
     * @param owner the rule or default node, for errors about missing keys
     * @param entries the owner's entries
     * @param otherKeys keys of the owner that are not action keys (such as name and when)
     */
    static RuleAction parse(YamlNode owner, Map<String, YamlNode> entries, Set<String> otherKeys)
            throws PolicyFileException {
        String verdictKey = null;
        for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
            String key = entry.getKey();
            if (VERDICT_KEYS.contains(key)) {
                if (verdictKey != null) {
                    throw entry.getValue().keyError(owner.path() + ": both '" + verdictKey + "' and '" + key
                            + "' are set; a rule takes exactly one of deliver, reject, defer or hold");
                }
                verdictKey = key;
            } else if (!otherKeys.contains(key) && !key.equals("add-header") && !key.equals("subject-tag")) {
                throw entry.getValue().keyError("unknown setting '" + entry.getValue().path()
                        + "'; expected " + (otherKeys.isEmpty() ? "" : "name, when, ")
                        + "deliver, reject, defer, hold, add-header or subject-tag");
            }
        }
        if (verdictKey == null) {
            throw owner.error((owner.path().isEmpty() ? "" : owner.path() + ": ")
                    + "missing action; set one of deliver, reject, defer or hold");
        }
        MessageEdits edits = parseEdits(entries);
        YamlNode value = entries.get(verdictKey);
        return switch (verdictKey) {
            case "deliver" -> new RuleAction(Verdict.ACCEPT, parsePlan(value), null, edits);
            case "reject" -> new RuleAction(Verdict.REJECT, null, parseReply(value, '5'), edits);
            case "defer" -> new RuleAction(Verdict.DEFER, null, parseReply(value, '4'), edits);
            default -> new RuleAction(Verdict.HOLD, parsePlan(value), HOLD_REPLY, edits);
        };
    }

    /** Parses a list of steps such as {@code [tls-verify, pgp, smime]}. */
    static DeliveryPlan parsePlan(YamlNode node) throws PolicyFileException {
        List<PlanStep> steps = new ArrayList<>();
        List<YamlNode> items = node.isScalar() ? List.of(node) : node.items();
        if (items.isEmpty()) {
            throw node.error(node.path() + ": expected at least one delivery step, such as [tls-verify, tls-encrypt]");
        }
        for (YamlNode item : items) {
            steps.add(parseStep(item));
        }
        return new DeliveryPlan(steps);
    }

    private static PlanStep parseStep(YamlNode item) throws PolicyFileException {
        String name = item.text();
        switch (name) {
            case "pgp":
                return PlanStep.encrypt(DeliveryMethod.PGP);
            case "smime":
                return PlanStep.encrypt(DeliveryMethod.SMIME);
            case "portal":
                throw item.error(item.path() + ": delivery method 'portal' is not available because SealRelay has no"
                        + " web portal yet; use " + STEP_NAMES);
            default:
                break;
        }
        if (name.startsWith("tls-")) {
            try {
                return PlanStep.relay(TlsLevel.fromConfigName(name.substring(4)));
            } catch (IllegalArgumentException e) {
                // Reported below with the list of valid steps.
            }
        }
        throw item.error(item.path() + ": invalid delivery step '" + name + "': expected " + STEP_NAMES);
    }

    /** Parses {@code {code: 550, enhanced-code: 5.7.1, text: ...}} into one reply line. */
    static String parseReply(YamlNode node, char classDigit) throws PolicyFileException {
        Map<String, YamlNode> entries = node.entries();
        for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
            if (!Set.of("code", "enhanced-code", "text").contains(entry.getKey())) {
                throw entry.getValue().keyError("unknown setting '" + entry.getValue().path()
                        + "'; expected code, enhanced-code or text");
            }
        }
        int low = classDigit == '5' ? 550 : 450;
        String code = required(node, entries, "code").text();
        if (!code.matches("\\d{3}") || Integer.parseInt(code) < low || Integer.parseInt(code) > low + 9) {
            throw entries.get("code").error(node.path() + ".code: invalid reply code '" + code + "': expected "
                    + low + " to " + (low + 9));
        }
        YamlNode enhancedNode = required(node, entries, "enhanced-code");
        String enhanced = enhancedNode.text();
        if (!enhanced.matches(classDigit + "\\.\\d{1,3}\\.\\d{1,3}")) {
            throw enhancedNode.error(node.path() + ".enhanced-code: invalid enhanced status code '" + enhanced
                    + "': expected " + classDigit + ".X.Y as in RFC 3463, such as " + classDigit + ".7.1");
        }
        YamlNode textNode = required(node, entries, "text");
        String text = textNode.text();
        if (text.isEmpty() || text.length() > 200 || !text.matches("[\\x20-\\x7e]+")) {
            throw textNode.error(node.path() + ".text: expected 1 to 200 printable ASCII characters");
        }
        return code + " " + enhanced + " " + text;
    }

    private static MessageEdits parseEdits(Map<String, YamlNode> entries) throws PolicyFileException {
        List<MessageEdits.HeaderField> headers = new ArrayList<>();
        YamlNode headerNode = entries.get("add-header");
        if (headerNode != null) {
            for (Map.Entry<String, YamlNode> header : headerNode.entries().entrySet()) {
                String name = header.getKey();
                if (!name.matches("[\\x21-\\x39\\x3b-\\x7e]{1,76}")) {
                    throw header.getValue().error(header.getValue().path()
                            + ": invalid header field name: expected printable ASCII without ':' or spaces (RFC 5322 section 3.6.8)");
                }
                String value = header.getValue().text();
                if (!value.matches("[\\x20-\\x7e]{0,900}")) {
                    throw header.getValue().error(header.getValue().path()
                            + ": expected at most 900 printable ASCII characters");
                }
                headers.add(new MessageEdits.HeaderField(name, value));
            }
        }
        String tag = "";
        YamlNode tagNode = entries.get("subject-tag");
        if (tagNode != null) {
            tag = tagNode.text();
            if (!tag.matches("[\\x20-\\x7e]{1,40}")) {
                throw tagNode.error(tagNode.path() + ": expected 1 to 40 printable ASCII characters");
            }
        }
        return new MessageEdits(headers, tag);
    }

    private static YamlNode required(YamlNode owner, Map<String, YamlNode> entries, String key)
            throws PolicyFileException {
        YamlNode value = entries.get(key);
        if (value == null) {
            throw owner.error(owner.path() + ": missing setting '" + key + "'");
        }
        return value;
    }
}
