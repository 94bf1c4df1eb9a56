package org.sealrelay.gateway.delivery;

import java.util.Locale;
import java.util.Set;

/** Membership tests for configured domain lists, where an entry also covers its subdomains. */
final class DomainSets {
    private DomainSets() {}

    /** Returns whether {@code domain} or one of its parent domains is in {@code domains}. */
    static boolean covers(Set<String> domains, String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        while (true) {
            if (domains.contains(name)) {
                return true;
            }
            int dot = name.indexOf('.');
            if (dot < 0) {
                return false;
            }
            name = name.substring(dot + 1);
        }
    }
}
