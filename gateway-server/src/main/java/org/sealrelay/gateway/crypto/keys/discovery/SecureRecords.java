package org.sealrelay.gateway.crypto.keys.discovery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.dns.DnssecResolver;
import org.sealrelay.gateway.dns.DnssecResolver.Answer;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DNS key records that count: only a DNSSEC-validated (SECURE) answer gives records. An
 * unsigned answer is logged and read as no records, because without signatures anyone on the
 * path could publish a key for the address. A bogus answer is logged at WARN, since it points
 * to an attack or a broken zone.
 */
final class SecureRecords {
    private static final Logger log = LoggerFactory.getLogger(SecureRecords.class);

    private final DnssecResolver resolver;

    SecureRecords(DnssecResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * Looks up {@code type} records at {@code name}, which was built from {@code address}. The
     * future fails with {@link DnsLookupException} when the lookup itself failed.
     */
    CompletableFuture<List<Record>> lookup(String name, int type, String address) {
        String description = Type.string(type) + " for " + Redact.address(address);
        String hashedLabel = name.substring(0, name.indexOf('.'));
        return resolver.lookup(name, type)
                .thenApply(answer -> records(answer, description, redact(answer.reason(), hashedLabel)));
    }

    /**
     * Cuts a validator reason before the records it quotes, because their data is the key with
     * its user IDs, and replaces the hashed local part, which a dictionary reverses easily.
     *
     * <p>NOTE: dnsjava's own validator logs quote the owner name with the hashed local part
     * when an answer is bogus.
     */
    static String redact(String reason, String hashedLabel) {
        int quoted = reason.length();
        for (char opening : new char[] {'{', '[', '<'}) {
            int at = reason.indexOf(opening);
            if (at >= 0 && at < quoted) {
                quoted = at;
            }
        }
        String cut = reason.substring(0, quoted).strip();
        if (cut.endsWith(":")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut.replace(hashedLabel, "***");
    }

    private static List<Record> records(Answer answer, String description, String reason) {
        switch (answer.security()) {
            case SECURE:
                return answer.records();
            case INSECURE:
                if (!answer.records().isEmpty()) {
                    log.info("{} ignored: the answer is not DNSSEC-signed ({} record(s))", description,
                            answer.records().size());
                }
                return List.of();
            case BOGUS:
                log.warn("{} ignored: DNSSEC validation failed: {}", description, reason);
                return List.of();
            default:
                throw new DnsLookupException(description + " lookup failed: " + reason);
        }
    }

    /** A DNS lookup that may succeed when retried: timeout, network error, SERVFAIL. */
    static final class DnsLookupException extends RuntimeException {
        DnsLookupException(String message) {
            super(message);
        }
    }
}
