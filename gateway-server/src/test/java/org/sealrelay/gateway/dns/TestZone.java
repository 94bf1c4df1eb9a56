package org.sealrelay.gateway.dns;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * An authoritative zone held in memory for tests, optionally signed with one ECDSA P-256 key
 * (algorithm 13) that acts as KSK and ZSK, with an NSEC chain so that the validator can prove
 * NODATA and NXDOMAIN answers.
 */
public final class TestZone {
    static final long TTL = 300;

    private final Name origin;
    private final TreeMap<Name, Map<Integer, RRset>> names = new TreeMap<>();
    private DNSKEYRecord signingKey;

    /** Creates an empty zone with its SOA record. */
    public TestZone(String origin) {
        this.origin = name(origin);
        add(new SOARecord(this.origin, DClass.IN, TTL, name("ns." + origin), name("hostmaster." + origin),
                1, 3600, 600, 86400, TTL));
    }

    public Name origin() {
        return origin;
    }

    /** Adds a record; signatures made before this call do not cover it. */
    public TestZone add(Record record) {
        names.computeIfAbsent(record.getName(), key -> new TreeMap<>())
                .computeIfAbsent(record.getType(), key -> new RRset())
                .addRR(record);
        return this;
    }

    /**
     * Adds an MX record of preference 10 from {@code domain} to {@code mx.<domain>}, and an A
     * record that points that host at 127.0.0.1.
     */
    public TestZone addLoopbackMx(String domain) {
        Name mx = name("mx." + domain);
        add(new MXRecord(name(domain), DClass.IN, TTL, 10, mx));
        return add(new ARecord(mx, DClass.IN, TTL, InetAddress.getLoopbackAddress()));
    }

    /** Returns a TLSA record at {@code _25._tcp.<host>}, the name DANE for SMTP looks up. */
    public static TLSARecord tlsa(String host, int usage, int selector, int matchingType, byte[] data) {
        return new TLSARecord(name("_25._tcp." + host), DClass.IN, TTL, usage, selector, matchingType, data);
    }

    /**
     * Adds a DNSKEY, builds the NSEC chain and signs every RRset, valid from an hour ago for a day.
     *
     * @return the DNSKEY record, to be used as the validator's trust anchor
     */
    public DNSKEYRecord sign() throws GeneralSecurityException, DNSSEC.DNSSECException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keyPair = generator.generateKeyPair();
        signingKey = new DNSKEYRecord(origin, DClass.IN, TTL, 257, 3, DNSSEC.Algorithm.ECDSAP256SHA256,
                keyPair.getPublic());
        add(signingKey);

        List<Name> ordered = new ArrayList<>(names.keySet());
        for (int i = 0; i < ordered.size(); i++) {
            Name owner = ordered.get(i);
            Name next = ordered.get((i + 1) % ordered.size());
            List<Integer> types = new ArrayList<>(names.get(owner).keySet());
            types.add(Type.NSEC);
            types.add(Type.RRSIG);
            add(new NSECRecord(owner, DClass.IN, TTL, next, types.stream().mapToInt(Integer::intValue).toArray()));
        }

        Instant now = Instant.now();
        for (Map<Integer, RRset> byType : names.values()) {
            for (RRset rrset : byType.values()) {
                RRSIGRecord signature = DNSSEC.sign(rrset, signingKey, keyPair.getPrivate(),
                        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
                rrset.addRR(signature);
            }
        }
        return signingKey;
    }

    /**
     * Replaces the data of a signed RRset while keeping its old signature, so that a validator
     * finds the answer bogus.
     */
    public TestZone tamper(Record replacement) {
        RRset old = names.get(replacement.getName()).get(replacement.getType());
        RRset forged = new RRset(replacement);
        for (RRSIGRecord signature : old.sigs()) {
            forged.addRR(signature);
        }
        names.get(replacement.getName()).put(replacement.getType(), forged);
        return this;
    }

    /** Replaces the RRset of the record's name and type with this one record, in an unsigned zone. */
    public TestZone replace(Record record) {
        names.computeIfAbsent(record.getName(), key -> new TreeMap<>()).put(record.getType(), new RRset(record));
        return this;
    }

    /** Returns the trust anchor line for {@code ValidatingResolver.loadTrustAnchors}. */
    public InputStream trustAnchor() {
        return new ByteArrayInputStream((signingKey.toString() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    boolean contains(Name name) {
        return name.subdomain(origin);
    }

    Map<Integer, RRset> at(Name name) {
        return names.get(name);
    }

    RRset soa() {
        return names.get(origin).get(Type.SOA);
    }

    /** Returns the NSEC RRset whose owner is the closest name at or before {@code name}. */
    RRset coveringNsec(Name name) {
        Name owner = names.floorKey(name);
        if (owner == null) {
            owner = names.lastKey();
        }
        return names.get(owner).get(Type.NSEC);
    }

    /** Returns the longest ancestor of {@code name} that exists, possibly as an empty non-terminal. */
    Name closestEncloser(Name name) {
        for (int strip = 1; strip < name.labels(); strip++) {
            Name ancestor = new Name(name, strip);
            for (Name owner : names.keySet()) {
                if (owner.subdomain(ancestor)) {
                    return ancestor;
                }
            }
        }
        return origin;
    }

    public static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
