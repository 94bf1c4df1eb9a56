package org.sealrelay.gateway.dns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;

/**
 * Turns the MX records of a domain into the list of hosts to try. Pure, so it is tested without
 * a network.
 */
public final class MxOrdering {
    private MxOrdering() {}

    /**
     * Orders MX targets by preference, lowest first, shuffling hosts of equal preference so that
     * load spreads across them (RFC 5321 section 5.1).
     *
     * <p>No records gives the implicit MX, the domain itself. A single record whose target is the
     * root name is a null MX (RFC 7505). A root target next to other records breaks RFC 7505, so
     * it is skipped and the other records are used.
     *
     * @param domain the domain that was looked up, without the trailing dot
     * @param records the MX records of the DNS response, in any order
     * @param random source for the shuffle; tests pass a seeded one
     */
    public static MxAnswer order(String domain, List<MXRecord> records, Random random) {
        if (records.isEmpty()) {
            return new MxAnswer(MxAnswer.Status.IMPLICIT_MX, List.of(domain), "no MX records for " + domain);
        }
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return MxAnswer.failure(MxAnswer.Status.NULL_MX, "domain " + domain + " accepts no mail (null MX)");
        }

        TreeMap<Integer, List<String>> byPreference = new TreeMap<>();
        for (MXRecord record : records) {
            if (record.getTarget().equals(Name.root)) {
                continue;
            }
            byPreference
                    .computeIfAbsent(record.getPriority(), preference -> new ArrayList<>())
                    .add(hostName(record.getTarget()));
        }
        if (byPreference.isEmpty()) {
            // Several records, all null MX: still a domain that accepts no mail.
            return MxAnswer.failure(MxAnswer.Status.NULL_MX, "domain " + domain + " accepts no mail (null MX)");
        }

        // A set keeps the first (most preferred) position of a host listed twice.
        Set<String> ordered = new LinkedHashSet<>();
        for (List<String> hosts : byPreference.values()) {
            Collections.shuffle(hosts, random);
            ordered.addAll(hosts);
        }
        return new MxAnswer(MxAnswer.Status.MX, List.copyOf(ordered), records.size() + " MX records for " + domain);
    }

    /** Returns the name in lower case without the trailing dot, the form used for TLS host checks. */
    static String hostName(Name name) {
        String text = name.toString(true);
        return text.toLowerCase(Locale.ROOT);
    }
}
