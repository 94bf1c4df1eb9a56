package org.sealrelay.policy.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.sealrelay.policy.TlsLevel;
import org.sealrelay.policy.content.ContentFacts;
import org.sealrelay.policy.detect.DetectorSet;
import org.sealrelay.policy.detect.RegexBudget;

/**
 * Reads a {@code when} clause. A clause is a mapping of condition keys; several keys in one
 * mapping must all hold. {@code all} and {@code any} take lists of clauses and {@code not} takes
 * one clause. Patterns are Java regular expressions, matched case-insensitively anywhere in the
 * value.
 */
final class ConditionParser {
    static final List<String> KEYS = List.of("all", "any", "not", "sender", "sender-domain",
            "sender-domain-suffix", "recipient", "recipient-domain", "recipient-domain-suffix", "listener",
            "client-address", "inbound-tls", "header", "subject", "body", "attachment-name", "attachment-type",
            "attachment-size-over", "size-over", "detector", "unreadable-parts", "text-truncated", "auth-user",
            "client-certificate", "recipient-tls", "recipient-has-pgp-key", "recipient-has-smime-certificate",
            "requiretls");

    /** Condition keys that read the message content, which exempt rules may not use. */
    static final Set<String> CONTENT_KEYS = Set.of("header", "subject", "body", "attachment-name",
            "attachment-type", "attachment-size-over", "size-over", "detector", "unreadable-parts",
            "text-truncated");

    private final DetectorSet detectors;

    ConditionParser(DetectorSet detectors) {
        this.detectors = detectors;
    }

    Condition parse(YamlNode clause) throws PolicyFileException {
        Map<String, YamlNode> entries = clause.entries();
        if (entries.isEmpty()) {
            throw clause.error(clause.path() + ": expected at least one condition");
        }
        List<Condition> parts = new ArrayList<>();
        for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
            parts.add(parseOne(entry.getKey(), entry.getValue()));
        }
        return parts.size() == 1 ? parts.get(0) : new LogicalConditions.All(parts);
    }

    private Condition parseOne(String key, YamlNode value) throws PolicyFileException {
        return switch (key) {
            case "all" -> new LogicalConditions.All(parseList(value));
            case "any" -> new LogicalConditions.Any(parseList(value));
            case "not" -> new LogicalConditions.Not(parse(value), describe(value));
            case "sender" -> address(AddressCondition.Party.SENDER, AddressCondition.Match.ADDRESS, value);
            case "sender-domain" -> address(AddressCondition.Party.SENDER, AddressCondition.Match.DOMAIN, value);
            case "sender-domain-suffix" ->
                    address(AddressCondition.Party.SENDER, AddressCondition.Match.DOMAIN_SUFFIX, value);
            case "recipient" -> address(AddressCondition.Party.RECIPIENT, AddressCondition.Match.ADDRESS, value);
            case "recipient-domain" ->
                    address(AddressCondition.Party.RECIPIENT, AddressCondition.Match.DOMAIN, value);
            case "recipient-domain-suffix" ->
                    address(AddressCondition.Party.RECIPIENT, AddressCondition.Match.DOMAIN_SUFFIX, value);
            case "listener" -> new ClientConditions.Listener(java.util.Set.copyOf(value.texts()));
            case "client-address" -> clientAddress(value);
            case "inbound-tls" -> new ClientConditions.InboundTls(value.bool());
            case "header" -> header(value);
            case "subject" -> new ContentConditions.HeaderPattern("Subject", compile(value), "subject");
            case "body" -> new ContentConditions.BodyPattern(compile(value));
            case "attachment-name" -> attachmentName(value);
            case "attachment-type" -> attachmentType(value);
            case "attachment-size-over" -> attachmentSize(value);
            case "size-over" -> new ContentConditions.SizeOver(Sizes.parse(value));
            case "detector" -> detector(value);
            case "unreadable-parts" -> new ContentConditions.UnreadableParts(value.bool());
            case "text-truncated" -> new ContentConditions.TextTruncated(value.bool());
            case "auth-user" -> authUser(value);
            case "client-certificate" -> clientCertificate(value);
            case "recipient-tls" -> recipientTls(value);
            case "recipient-has-pgp-key" ->
                    new CapabilityConditions.RecipientKey(CapabilityConditions.RecipientKey.Kind.PGP, value.bool());
            case "recipient-has-smime-certificate" ->
                    new CapabilityConditions.RecipientKey(CapabilityConditions.RecipientKey.Kind.SMIME, value.bool());
            case "requiretls" -> new CapabilityConditions.RequireTls(value.bool());
            default -> throw value.keyError(value.path() + ": unknown condition '" + key + "'; expected one of "
                    + String.join(", ", KEYS));
        };
    }

    private List<Condition> parseList(YamlNode value) throws PolicyFileException {
        List<Condition> parts = new ArrayList<>();
        for (YamlNode item : value.items()) {
            parts.add(parse(item));
        }
        if (parts.isEmpty()) {
            throw value.error(value.path() + ": expected at least one condition");
        }
        return parts;
    }

    private static String describe(YamlNode clause) throws PolicyFileException {
        return String.join("+", clause.entries().keySet());
    }

    private static Condition address(AddressCondition.Party party, AddressCondition.Match match, YamlNode value)
            throws PolicyFileException {
        List<String> values = value.texts();
        for (String item : values) {
            boolean valid = match == AddressCondition.Match.ADDRESS
                    ? item.indexOf('@') > 0 && item.indexOf('@') < item.length() - 1
                    : item.matches("\\.?[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");
            if (!valid) {
                throw value.error(value.path() + ": invalid " + (match == AddressCondition.Match.ADDRESS
                        ? "address '" + item + "': expected local-part@domain"
                        : "domain '" + item + "': expected a name such as example.org"));
            }
        }
        return new AddressCondition(party, match, java.util.Set.copyOf(values));
    }

    /**
     * Returns every condition key in a clause, including those inside {@code all}, {@code any}
     * and {@code not}. Call it on a clause that {@link #parse} accepted.
     */
    static Set<String> keysOf(YamlNode clause) throws PolicyFileException {
        Set<String> keys = new HashSet<>();
        collectKeys(clause, keys);
        return keys;
    }

    private static void collectKeys(YamlNode clause, Set<String> keys) throws PolicyFileException {
        for (Map.Entry<String, YamlNode> entry : clause.entries().entrySet()) {
            switch (entry.getKey()) {
                case "all", "any" -> {
                    for (YamlNode item : entry.getValue().items()) {
                        collectKeys(item, keys);
                    }
                }
                case "not" -> collectKeys(entry.getValue(), keys);
                default -> keys.add(entry.getKey());
            }
        }
    }

    private static Condition authUser(YamlNode value) throws PolicyFileException {
        List<String> users = value.texts();
        for (String user : users) {
            if (user.isEmpty() || user.length() > 255 || !user.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
                throw value.error(value.path() + ": invalid user name '" + user
                        + "': expected 1 to 255 characters without spaces or controls, or * for any authenticated user");
            }
        }
        return new IdentityConditions.AuthUser(Set.copyOf(users));
    }

    private static Condition clientCertificate(YamlNode value) throws PolicyFileException {
        List<String> patterns = value.texts();
        for (String pattern : patterns) {
            boolean subject = pattern.regionMatches(true, 0, IdentityConditions.ClientCertificate.SUBJECT_PREFIX, 0,
                    IdentityConditions.ClientCertificate.SUBJECT_PREFIX.length());
            boolean valid = subject
                    ? pattern.length() > IdentityConditions.ClientCertificate.SUBJECT_PREFIX.length()
                    : pattern.matches("(?:\\*\\.)?[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*");
            if (!valid) {
                throw value.error(value.path() + ": invalid certificate name '" + pattern
                        + "': expected a DNS name such as relay.example.org, *.example.org, or subject=DN");
            }
        }
        return new IdentityConditions.ClientCertificate(patterns);
    }

    private static Condition recipientTls(YamlNode value) throws PolicyFileException {
        String text = value.text();
        if (text.equalsIgnoreCase("unknown")) {
            return new CapabilityConditions.RecipientTls(Optional.empty());
        }
        try {
            return new CapabilityConditions.RecipientTls(Optional.of(TlsLevel.fromConfigName(text)));
        } catch (IllegalArgumentException e) {
            throw value.error(value.path() + ": invalid TLS level '" + text
                    + "': expected none, may, encrypt, verify, dane, mta-sts or unknown");
        }
    }

    private static Condition clientAddress(YamlNode value) throws PolicyFileException {
        List<Network> networks = new ArrayList<>();
        for (String text : value.texts()) {
            try {
                networks.add(Network.parse(text));
            } catch (IllegalArgumentException e) {
                throw value.error(value.path() + ": " + e.getMessage());
            }
        }
        return new ClientConditions.ClientAddress(networks);
    }

    private static Condition header(YamlNode value) throws PolicyFileException {
        Map<String, YamlNode> entries = value.entries();
        YamlNode name = entries.get("name");
        YamlNode pattern = entries.get("pattern");
        if (name == null || pattern == null || entries.size() != 2) {
            throw value.error(value.path() + ": expected exactly the settings name and pattern");
        }
        return new ContentConditions.HeaderPattern(name.text(), compile(pattern), "header " + name.text());
    }

    private static Condition attachmentName(YamlNode value) throws PolicyFileException {
        Pattern pattern = compile(value);
        return new ContentConditions.AttachmentTest("attachment-name",
                attachment -> RegexBudget.find(pattern, attachment.filename(), "attachment-name"));
    }

    private static Condition attachmentType(YamlNode value) throws PolicyFileException {
        List<String> types = new ArrayList<>();
        for (String type : value.texts()) {
            String lower = type.toLowerCase(Locale.ROOT);
            if (!lower.matches("[a-z0-9!#$&^_.+-]+/(?:\\*|[a-z0-9!#$&^_.+-]+)")) {
                throw value.error(value.path() + ": invalid media type '" + type
                        + "': expected type/subtype or type/*, such as application/pdf or image/*");
            }
            types.add(lower);
        }
        return new ContentConditions.AttachmentTest("attachment-type",
                attachment -> types.stream().anyMatch(type -> mediaTypeMatches(type, attachment)));
    }

    private static boolean mediaTypeMatches(String type, ContentFacts.Attachment attachment) {
        if (type.endsWith("/*")) {
            return attachment.mediaType().startsWith(type.substring(0, type.length() - 1));
        }
        return attachment.mediaType().equals(type);
    }

    private static Condition attachmentSize(YamlNode value) throws PolicyFileException {
        long limit = Sizes.parse(value);
        return new ContentConditions.AttachmentTest("attachment-size-over",
                attachment -> attachment.sizeOctets() > limit);
    }

    private Condition detector(YamlNode value) throws PolicyFileException {
        String name;
        int min = 1;
        YamlNode nameNode = value;
        if (value.isScalar()) {
            name = value.text();
        } else {
            Map<String, YamlNode> entries = value.entries();
            nameNode = entries.get("name");
            if (nameNode == null) {
                throw value.error(value.path() + ": missing setting 'name'");
            }
            for (String key : entries.keySet()) {
                if (!key.equals("name") && !key.equals("min")) {
                    throw entries.get(key).keyError("unknown setting '" + entries.get(key).path()
                            + "'; expected name or min");
                }
            }
            name = nameNode.text();
            if (entries.containsKey("min")) {
                min = entries.get("min").integer(1, 1_000_000);
            }
        }
        if (!detectors.contains(name)) {
            throw nameNode.error(nameNode.path() + ": unknown detector '" + name + "'; expected one of "
                    + String.join(", ", detectors.names()));
        }
        return new ContentConditions.DetectorHits(name, min);
    }

    /** Compiles a pattern case-insensitively, reporting a syntax error at the node. */
    static Pattern compile(YamlNode node) throws PolicyFileException {
        String text = node.text();
        try {
            return Pattern.compile(text, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw node.error(node.path() + ": invalid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }
}
