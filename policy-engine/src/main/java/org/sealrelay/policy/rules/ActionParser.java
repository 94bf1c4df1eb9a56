package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sealrelay.policy.DeliveryMethod;
import java.util.regex.Pattern;
import org.sealrelay.policy.ArchiveCopy;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.Verdict;

/**
 * Reads the action keys of a rule or of the default: exactly one of {@code deliver},
 * {@code reject}, {@code defer} or {@code hold}, plus the optional edits {@code add-header},
 * {@code remove-header}, {@code subject-tag} and {@code strip-subject-tag}, and {@code archive}.
 *
 * <p>A rule with {@code exempt: true} is an exempt rule: it may leave out the verdict, and it
 * may only deliver, with its own {@code deliver} plan or else the default's plan. An archive
 * copy goes by its own {@code deliver} plan, or else by the default's plan.
 */
final class ActionParser {
    private static final String STEP_NAMES = "tls-dane, tls-mta-sts, tls-verify, tls-encrypt, tls-may, tls-none, pgp or smime";
    private static final List<String> VERDICT_KEYS = List.of("deliver", "reject", "defer", "hold");
    private static final Set<String> EXTRA_KEYS = Set.of("add-header", "remove-header", "subject-tag",
            "strip-subject-tag", "archive", "exempt");
    private static final String HOLD_REPLY = "451 4.7.0 Message held for review; try again later";
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]{1,76}");
    private static final Pattern ARCHIVE_ADDRESS =
            Pattern.compile("[\\x21-\\x3b\\x3d\\x3f-\\x7e]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");

    private ActionParser() {
    }

    /**
     * @param owner the rule or default node, for errors about missing keys
     * @param entries the owner's entries
     * @param otherKeys keys of the owner that are not action keys (such as name and when)
     * @param defaultPlan the default action's plan, which exempt rules and archive copies without
     *     a plan of their own take. It is empty when the default has no plan or is being parsed.
     */
    static RuleAction parse(YamlNode owner, Map<String, YamlNode> entries, Set<String> otherKeys,
            Optional<DeliveryPlan> defaultPlan) throws PolicyFileException {
        boolean isRule = !otherKeys.isEmpty();
        String verdictKey = null;
        for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
            String key = entry.getKey();
            if (VERDICT_KEYS.contains(key)) {
                if (verdictKey != null) {
                    throw entry.getValue().keyError(owner.path() + ": both '" + verdictKey + "' and '" + key
                            + "' are set; a rule takes exactly one of deliver, reject, defer or hold");
                }
                verdictKey = key;
            } else if (!otherKeys.contains(key) && !EXTRA_KEYS.contains(key)) {
                throw entry.getValue().keyError("unknown setting '" + entry.getValue().path()
                        + "'; expected " + (isRule ? "name, when, " : "")
                        + "deliver, reject, defer, hold, add-header, remove-header, subject-tag,"
                        + " strip-subject-tag, archive" + (isRule ? " or exempt" : ""));
            }
        }
        boolean exempt = parseExempt(entries, isRule, verdictKey);
        if (verdictKey == null && !exempt) {
            throw owner.error((owner.path().isEmpty() ? "" : owner.path() + ": ")
                    + "missing action; set one of deliver, reject, defer or hold");
        }
        MessageEdits edits = parseEdits(entries);
        YamlNode value = verdictKey == null ? null : entries.get(verdictKey);
        if (exempt) {
            DeliveryPlan plan = value != null ? parsePlan(value) : defaultPlan.orElseThrow(() -> entries.get("exempt")
                    .error(entries.get("exempt").path() + ": an exempt rule needs a plan: add deliver to the rule,"
                            + " or give the default a deliver or hold action"));
            return new RuleAction(Verdict.ACCEPT, plan, null, edits, parseArchive(entries, defaultPlan), true);
        }
        return switch (verdictKey) {
            case "deliver" -> {
                DeliveryPlan plan = parsePlan(value);
                yield new RuleAction(Verdict.ACCEPT, plan, null, edits,
                        parseArchive(entries, isRule ? defaultPlan : Optional.of(plan)), false);
            }
            case "reject" -> new RuleAction(Verdict.REJECT, null, parseReply(value, '5'), edits,
                    noArchive(entries, "reject"), false);
            case "defer" -> new RuleAction(Verdict.DEFER, null, parseReply(value, '4'), edits,
                    noArchive(entries, "defer"), false);
            default -> {
                DeliveryPlan plan = parsePlan(value);
                yield new RuleAction(Verdict.HOLD, plan, HOLD_REPLY, edits,
                        parseArchive(entries, isRule ? defaultPlan : Optional.of(plan)), false);
            }
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

    private static boolean parseExempt(Map<String, YamlNode> entries, boolean isRule, String verdictKey)
            throws PolicyFileException {
        YamlNode node = entries.get("exempt");
        if (node == null) {
            return false;
        }
        if (!isRule) {
            throw node.keyError(node.path() + ": the default cannot be exempt; put exempt: true in a rule");
        }
        boolean exempt = node.bool();
        if (exempt && verdictKey != null && !verdictKey.equals("deliver")) {
            throw entries.get(verdictKey).keyError(entries.get(verdictKey).path() + ": an exempt rule can only"
                    + " deliver; remove '" + verdictKey + "' or exempt");
        }
        return exempt;
    }

    /** Parses {@code archive: ADDRESS} or {@code archive: {address: ADDRESS, deliver: [STEPS]}}. */
    private static Optional<ArchiveCopy> parseArchive(Map<String, YamlNode> entries, Optional<DeliveryPlan> fallbackPlan)
            throws PolicyFileException {
        YamlNode node = entries.get("archive");
        if (node == null) {
            return Optional.empty();
        }
        YamlNode addressNode = node;
        DeliveryPlan plan = null;
        if (!node.isScalar()) {
            Map<String, YamlNode> settings = node.entries();
            for (Map.Entry<String, YamlNode> setting : settings.entrySet()) {
                if (!setting.getKey().equals("address") && !setting.getKey().equals("deliver")) {
                    throw setting.getValue().keyError("unknown setting '" + setting.getValue().path()
                            + "'; expected address or deliver");
                }
            }
            addressNode = required(node, settings, "address");
            if (settings.containsKey("deliver")) {
                plan = parsePlan(settings.get("deliver"));
            }
        }
        String address = addressNode.text();
        if (!ARCHIVE_ADDRESS.matcher(address).matches() || address.length() > 254) {
            throw addressNode.error(addressNode.path() + ": invalid archive address '" + address
                    + "': expected local-part@domain in printable ASCII, at most 254 characters");
        }
        if (plan == null) {
            plan = fallbackPlan.orElseThrow(() -> node.error(node.path() + ": the archive copy needs a plan:"
                    + " add archive.deliver, or give the default a deliver or hold action"));
        }
        return Optional.of(new ArchiveCopy(address, plan));
    }

    private static Optional<ArchiveCopy> noArchive(Map<String, YamlNode> entries, String verdictKey)
            throws PolicyFileException {
        YamlNode node = entries.get("archive");
        if (node != null) {
            throw node.keyError(node.path() + ": a rule that does '" + verdictKey
                    + "' accepts no message, so there is nothing to archive; remove archive");
        }
        return Optional.empty();
    }

    private static MessageEdits parseEdits(Map<String, YamlNode> entries) throws PolicyFileException {
        List<MessageEdits.HeaderField> headers = new ArrayList<>();
        YamlNode headerNode = entries.get("add-header");
        if (headerNode != null) {
            for (Map.Entry<String, YamlNode> header : headerNode.entries().entrySet()) {
                String name = header.getKey();
                if (!FIELD_NAME.matcher(name).matches()) {
                    throw header.getValue().error(header.getValue().path()
                            + ": invalid header field name: expected printable ASCII without ':' or spaces (RFC 5322 section 3.6.8)");
                }
                String value = header.getValue().text();
                // Printable ASCII only: a CR or LF in the value would end the field and let the
                // rules file inject further header lines.
                if (!value.matches("[\\x20-\\x7e]{0,900}")) {
                    throw header.getValue().error(header.getValue().path()
                            + ": expected at most 900 printable ASCII characters");
                }
                headers.add(new MessageEdits.HeaderField(name, value));
            }
        }
        List<String> removed = new ArrayList<>();
        YamlNode removeNode = entries.get("remove-header");
        if (removeNode != null) {
            for (String name : removeNode.texts()) {
                if (!FIELD_NAME.matcher(name).matches()) {
                    throw removeNode.error(removeNode.path() + ": invalid header field name '" + escape(name)
                            + "': expected printable ASCII without ':' or spaces (RFC 5322 section 3.6.8)");
                }
                removed.add(name);
            }
        }
        return new MessageEdits(headers, subjectTag(entries, "subject-tag"), removed,
                subjectTag(entries, "strip-subject-tag"));
    }

    private static String subjectTag(Map<String, YamlNode> entries, String key) throws PolicyFileException {
        YamlNode tagNode = entries.get(key);
        if (tagNode == null) {
            return "";
        }
        String tag = tagNode.text();
        if (!tag.matches("[\\x20-\\x7e]{1,40}")) {
            throw tagNode.error(tagNode.path() + ": expected 1 to 40 printable ASCII characters");
        }
        return tag;
    }

    /** Returns text with control and non-ASCII characters as {@code \\xNN}, so an error message stays one line. */
    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                escaped.append(c);
            } else {
                escaped.append(String.format("\\x%02x", (int) c));
            }
        }
        return escaped.toString();
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
