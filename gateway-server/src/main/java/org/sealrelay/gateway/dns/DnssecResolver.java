package org.sealrelay.gateway.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Lookups whose DNSSEC state the caller must handle, for DANE (RFC 7672). Every answer carries a
 * {@link Security}; the records of a {@link Security#BOGUS} or {@link Security#FAILED} answer are
 * never returned.
 *
 * <p>dnsjava's {@link ValidatingResolver} does the validation: it sets the AD flag on answers
 * that chain to a trust anchor, answers SERVFAIL with a reason record when validation fails, and
 * passes answers for names outside every trust anchor through without the AD flag. Those three
 * cases map to SECURE, BOGUS and INSECURE here.
 *
 * <p>NOTE: CNAME chains are not followed, so a name that is an alias reads as having no records.
 */
public final class DnssecResolver {
    /** The DNSSEC state of one answer (RFC 4033 section 5). */
    public enum Security {
        /** Validated from a trust anchor, including proofs that a name or type does not exist. */
        SECURE,
        /** Provably unsigned, or outside every configured trust anchor. */
        INSECURE,
        /** Signatures or denial proofs failed validation. */
        BOGUS,
        /** No answer: timeout, network error or SERVFAIL without a validation result. */
        FAILED
    }

    /**
     * One validated answer.
     *
     * @param security the DNSSEC state
     * @param rcode the response code, such as {@link Rcode#NXDOMAIN}; SERVFAIL when not SECURE or INSECURE
     * @param records answer records of the requested type, without signatures; empty unless
     *     SECURE or INSECURE
     * @param reason the validator's reason or the lookup error, for logs; empty when none
     */
    public record Answer(Security security, int rcode, List<Record> records, String reason) {
        public Answer {
            records = List.copyOf(records);
        }

        /** Returns whether the answer can be used: SECURE or INSECURE. */
        public boolean usable() {
            return security == Security.SECURE || security == Security.INSECURE;
        }
    }

    /** MX hosts of a domain and the DNSSEC state of the MX answer. */
    public record SecureMx(Security security, MxAnswer mx, String reason) {}

    /** Addresses of a host; SECURE only when every address RRset that exists is. */
    public record SecureAddresses(Security security, List<InetAddress> addresses, String reason) {
        public SecureAddresses {
            addresses = List.copyOf(addresses);
        }
    }

    /** TLSA records at {@code _port._tcp.host} and their DNSSEC state. */
    public record TlsaAnswer(Security security, List<TLSARecord> records, String reason) {
        public TlsaAnswer {
            records = List.copyOf(records);
        }
    }

    private final ValidatingResolver validator;
    private final Random random = new SecureRandom();

    private DnssecResolver(ValidatingResolver validator) {
        this.validator = validator;
    }

    /**
     * Creates a resolver that validates answers from {@code upstream}.
     *
     * @param trustAnchors DS or DNSKEY records in zone file format, such as the root zone's KSK;
     *     null means no anchor, so every answer is INSECURE
     * @throws IllegalArgumentException naming the file when it cannot be read or parsed
     */
    public static DnssecResolver create(Resolver upstream, Path trustAnchors) {
        ValidatingResolver validator = new ValidatingResolver(upstream);
        validator.setAddReasonToAdditional(true);
        if (trustAnchors != null) {
            try (InputStream in = Files.newInputStream(trustAnchors)) {
                validator.loadTrustAnchors(in);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("invalid DNSSEC trust anchor file " + trustAnchors + ": "
                        + e.getMessage() + "; expected DS or DNSKEY records in zone file format", e);
            }
        }
        return new DnssecResolver(validator);
    }

    /** Creates a resolver with trust anchors read from {@code trustAnchors}, for tests. */
    public static DnssecResolver create(Resolver upstream, InputStream trustAnchors) throws IOException {
        ValidatingResolver validator = new ValidatingResolver(upstream);
        validator.setAddReasonToAdditional(true);
        validator.loadTrustAnchors(trustAnchors);
        return new DnssecResolver(validator);
    }

    /** Looks up {@code type} records of {@code name} and classifies the answer. Never fails exceptionally. */
    public CompletableFuture<Answer> lookup(String name, int type) {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(
                    new Answer(Security.FAILED, Rcode.FORMERR, List.of(), "invalid name '" + name + "'"));
        }
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        return validator.sendAsync(query).toCompletableFuture()
                .handle((response, error) -> error == null
                        ? classify(response, type)
                        : new Answer(Security.FAILED, Rcode.SERVFAIL, List.of(), describe(error)));
    }

    /** Looks up and orders the MX hosts of {@code domain}; see {@link MxOrdering#order}. */
    public CompletableFuture<SecureMx> resolveMx(String domain) {
        return lookup(domain, Type.MX).thenApply(answer -> {
            if (!answer.usable()) {
                return new SecureMx(answer.security(), MxAnswer.failure(MxAnswer.Status.TEMPORARY_FAILURE,
                        "MX lookup for " + domain + " failed DNSSEC validation: " + answer.reason()), answer.reason());
            }
            if (answer.rcode() == Rcode.NXDOMAIN) {
                return new SecureMx(answer.security(), MxAnswer.failure(MxAnswer.Status.NO_SUCH_DOMAIN,
                        "domain " + domain + " not found (NXDOMAIN)"), "");
            }
            if (answer.rcode() != Rcode.NOERROR) {
                return new SecureMx(Security.FAILED, MxAnswer.failure(MxAnswer.Status.TEMPORARY_FAILURE,
                        "MX lookup for " + domain + " failed: " + Rcode.string(answer.rcode())), Rcode.string(answer.rcode()));
            }
            List<MXRecord> records = new ArrayList<>();
            for (Record record : answer.records()) {
                records.add((MXRecord) record);
            }
            return new SecureMx(answer.security(), MxOrdering.order(domain, records, random), "");
        });
    }

    /**
     * Looks up the A and AAAA records of {@code host}, IPv4 first. The result is SECURE only when
     * both answers are; BOGUS or FAILED when either is, because an attacker could hide one type.
     */
    public CompletableFuture<SecureAddresses> resolveAddresses(String host) {
        CompletableFuture<Answer> v4 = lookup(host, Type.A);
        CompletableFuture<Answer> v6 = lookup(host, Type.AAAA);
        return v4.thenCombine(v6, (a, aaaa) -> {
            for (Answer answer : List.of(a, aaaa)) {
                if (!answer.usable()) {
                    return new SecureAddresses(answer.security(), List.of(), answer.reason());
                }
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (Record record : a.records()) {
                addresses.add(((ARecord) record).getAddress());
            }
            for (Record record : aaaa.records()) {
                addresses.add(((AAAARecord) record).getAddress());
            }
            boolean secure = a.security() == Security.SECURE && aaaa.security() == Security.SECURE;
            String reason = addresses.isEmpty() ? "no A or AAAA records for " + host : "";
            return new SecureAddresses(secure ? Security.SECURE : Security.INSECURE, addresses, reason);
        });
    }

    /** Looks up the TLSA records for {@code host} and {@code port} over TCP (RFC 6698 section 3). */
    public CompletableFuture<TlsaAnswer> lookupTlsa(String host, int port) {
        String name = "_" + port + "._tcp." + host;
        return lookup(name, Type.TLSA).thenApply(answer -> {
            if (!answer.usable()) {
                return new TlsaAnswer(answer.security(), List.of(), answer.reason());
            }
            if (answer.rcode() != Rcode.NOERROR && answer.rcode() != Rcode.NXDOMAIN) {
                return new TlsaAnswer(Security.FAILED, List.of(), "TLSA lookup for " + name + " failed: "
                        + Rcode.string(answer.rcode()));
            }
            List<TLSARecord> records = new ArrayList<>();
            for (Record record : answer.records()) {
                records.add((TLSARecord) record);
            }
            return new TlsaAnswer(answer.security(), records, "");
        });
    }

    private static Answer classify(Message response, int type) {
        int rcode = response.getRcode();
        if (rcode == Rcode.SERVFAIL) {
            String reason = validationReason(response);
            return new Answer(reason.isEmpty() ? Security.FAILED : Security.BOGUS, rcode, List.of(),
                    reason.isEmpty() ? "SERVFAIL" : reason);
        }
        Security security = response.getHeader().getFlag(Flags.AD) ? Security.SECURE : Security.INSECURE;
        List<Record> records = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record.getType() == type) {
                records.add(record);
            }
        }
        return new Answer(security, rcode, records, "");
    }

    /** Returns the reason the validator put in the additional section, or empty. */
    private static String validationReason(Message response) {
        for (Record record : response.getSection(Section.ADDITIONAL)) {
            if (record.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS && record instanceof TXTRecord txt) {
                return String.join(" ", txt.getStrings());
            }
        }
        return "";
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
