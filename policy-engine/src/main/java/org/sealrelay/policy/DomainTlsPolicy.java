package org.sealrelay.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The built-in rule: relay every recipient at the TLS level configured for its domain, or at
 * the default level. A domain entry also covers its subdomains unless a longer entry matches.
 */
public final class DomainTlsPolicy implements Policy {
    static final String RULE_NAME = "domain-tls";

    private final TlsLevel defaultLevel;
    private final Map<String, TlsLevel> levelsByDomain;

    /**
     * @param defaultLevel level for domains without an entry
     * @param levelsByDomain levels by domain name, matched case-insensitively
     */
    public DomainTlsPolicy(TlsLevel defaultLevel, Map<String, TlsLevel> levelsByDomain) {
        this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
        TreeMap<String, TlsLevel> normalized = new TreeMap<>();
        levelsByDomain.forEach((domain, level) -> normalized.put(normalizeDomain(domain), level));
        this.levelsByDomain = Map.copyOf(normalized);
    }

    @Override
    public Decision decide(MessageFacts message, String recipient) {
        String entry = matchingEntry(domainOf(recipient));
        if (entry == null) {
            return Decision.accept(DeliveryPlan.relay(defaultLevel), RULE_NAME,
                    "no domain entry, default tls-" + defaultLevel.configName());
        }
        TlsLevel level = levelsByDomain.get(entry);
        return Decision.accept(DeliveryPlan.relay(level), RULE_NAME,
                "domain entry " + entry + " requires tls-" + level.configName());
    }

    /** Returns the level configured for a domain or its nearest parent, else the default. */
    public TlsLevel levelFor(String domain) {
        String entry = matchingEntry(normalizeDomain(domain));
        return entry == null ? defaultLevel : levelsByDomain.get(entry);
    }

    private String matchingEntry(String domain) {
        for (String candidate = domain; candidate != null; candidate = parentDomain(candidate)) {
            if (levelsByDomain.containsKey(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return normalizeDomain(at < 0 ? "" : address.substring(at + 1));
    }

    private static String parentDomain(String domain) {
        int dot = domain.indexOf('.');
        return dot < 0 ? null : domain.substring(dot + 1);
    }

    private static String normalizeDomain(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
