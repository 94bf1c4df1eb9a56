package org.sealrelay.policy.rules;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Matches the sender or the recipient by whole address, by exact domain, or by domain suffix. A
 * suffix such as {@code example.org} covers that domain and its subdomains, and one starting
 * with a dot, such as {@code .edu}, covers only names that end with it. Case-insensitive.
 */
record AddressCondition(Party party, Match match, Set<String> values) implements Condition {
    /** Whose address is tested. */
    enum Party { SENDER, RECIPIENT }

    /** How the address is compared. */
    enum Match { ADDRESS, DOMAIN, DOMAIN_SUFFIX }

    AddressCondition {
        values = Set.copyOf(values.stream().map(value -> value.toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    public boolean test(Evaluation evaluation, List<String> evidence) {
        String address = party == Party.SENDER ? evaluation.facts().reversePath() : evaluation.recipient();
        if (matches(address)) {
            evidence.add(kind());
            return true;
        }
        return false;
    }

    /** Returns the rules-file key of this condition, such as {@code recipient-domain}. */
    String kind() {
        String prefix = party == Party.SENDER ? "sender" : "recipient";
        return switch (match) {
            case ADDRESS -> prefix;
            case DOMAIN -> prefix + "-domain";
            case DOMAIN_SUFFIX -> prefix + "-domain-suffix";
        };
    }

    private boolean matches(String address) {
        String domain = Evaluation.domainOf(address);
        return switch (match) {
            case ADDRESS -> values.contains(address.toLowerCase(Locale.ROOT));
            case DOMAIN -> values.contains(domain);
            case DOMAIN_SUFFIX -> values.stream().anyMatch(suffix -> suffix.startsWith(".")
                    ? domain.endsWith(suffix)
                    : domain.equals(suffix) || domain.endsWith("." + suffix));
        };
    }
}
