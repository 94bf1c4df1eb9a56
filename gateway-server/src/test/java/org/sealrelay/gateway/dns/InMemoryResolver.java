package org.sealrelay.gateway.dns;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * A resolver that answers from {@link TestZone}s in memory, as an authoritative server would,
 * with signatures and NSEC proofs when the zone is signed. Names in no zone get REFUSED.
 * No network is used.
 */
public final class InMemoryResolver implements Resolver {
    private final List<TestZone> zones;
    private final AtomicInteger queries = new AtomicInteger();

    public InMemoryResolver(TestZone... zones) {
        this.zones = List.of(zones);
    }

    /** Returns how many queries have been answered. */
    public int queries() {
        return queries.get();
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        queries.incrementAndGet();
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(4096, 0, 0, opt.getFlags() & ExtendedFlags.DO), Section.ADDITIONAL);
        }

        TestZone zone = zoneFor(question.getName());
        if (zone == null) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return CompletableFuture.completedFuture(response);
        }
        Map<Integer, RRset> atName = zone.at(question.getName());
        if (atName != null && atName.containsKey(question.getType())) {
            addRRset(response, atName.get(question.getType()), Section.ANSWER);
        } else if (atName != null) {
            addRRset(response, zone.soa(), Section.AUTHORITY);
            addRRset(response, atName.get(Type.NSEC), Section.AUTHORITY);
        } else {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            addRRset(response, zone.soa(), Section.AUTHORITY);
            addRRset(response, zone.coveringNsec(question.getName()), Section.AUTHORITY);
            addRRset(response, zone.coveringNsec(wildcardOf(zone.closestEncloser(question.getName()))), Section.AUTHORITY);
        }
        return CompletableFuture.completedFuture(response);
    }

    private TestZone zoneFor(Name name) {
        TestZone best = null;
        for (TestZone zone : zones) {
            if (zone.contains(name) && (best == null || zone.origin().labels() > best.origin().labels())) {
                best = zone;
            }
        }
        return best;
    }

    private static Name wildcardOf(Name origin) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), origin);
        } catch (org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void addRRset(Message response, RRset rrset, int section) {
        if (rrset == null) {
            return;
        }
        for (Record record : rrset.rrs()) {
            if (!response.findRecord(record, section)) {
                response.addRecord(record, section);
            }
        }
        for (Record signature : rrset.sigs()) {
            if (!response.findRecord(signature, section)) {
                response.addRecord(signature, section);
            }
        }
    }

    @Override
    public void setPort(int port) {}

    @Override
    public void setTCP(boolean flag) {}

    @Override
    public void setIgnoreTruncation(boolean flag) {}

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

    @Override
    public void setTSIGKey(TSIG key) {}

    @Override
    public void setTimeout(Duration timeout) {}
}
