package org.sealrelay.gateway.dns;

import java.util.List;
import java.util.Map;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Builds the response an authoritative server for some {@link TestZone}s gives to a query: the
 * RRset asked for, NODATA with the SOA and the NSEC record at the name, or NXDOMAIN with the SOA
 * and the NSEC records that cover the name and its wildcard. Names in no zone get REFUSED.
 */
final class ZoneAnswers {
    /** EDNS UDP payload size that this server advertises in its OPT record. */
    static final int SERVER_UDP_PAYLOAD = 1232;

    private final List<TestZone> zones;

    ZoneAnswers(List<TestZone> zones) {
        this.zones = List.copyOf(zones);
    }

    /**
     * Returns the response to {@code query}.
     *
     * @param dnssecAlways whether to add RRSIG and NSEC records even when the query lacks the DO
     *     bit. A real authoritative server adds them only with DO (RFC 4035).
     */
    Message answer(Message query, boolean dnssecAlways) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        if (opt != null) {
            response.addRecord(new OPTRecord(SERVER_UDP_PAYLOAD, 0, 0, dnssecOk ? ExtendedFlags.DO : 0),
                    Section.ADDITIONAL);
        }
        boolean withDnssec = dnssecAlways || dnssecOk;

        TestZone zone = zoneFor(question.getName());
        if (zone == null) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return response;
        }
        Map<Integer, RRset> atName = zone.at(question.getName());
        if (atName != null && atName.containsKey(question.getType())) {
            addRRset(response, atName.get(question.getType()), Section.ANSWER, withDnssec);
        } else if (atName != null) {
            addRRset(response, zone.soa(), Section.AUTHORITY, withDnssec);
            if (withDnssec) {
                addRRset(response, atName.get(Type.NSEC), Section.AUTHORITY, true);
            }
        } else {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            addRRset(response, zone.soa(), Section.AUTHORITY, withDnssec);
            if (withDnssec) {
                addRRset(response, zone.coveringNsec(question.getName()), Section.AUTHORITY, true);
                addRRset(response, zone.coveringNsec(wildcardOf(zone.closestEncloser(question.getName()))),
                        Section.AUTHORITY, true);
            }
        }
        return response;
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

    private static void addRRset(Message response, RRset rrset, int section, boolean withSignatures) {
        if (rrset == null) {
            return;
        }
        for (Record record : rrset.rrs()) {
            if (!response.findRecord(record, section)) {
                response.addRecord(record, section);
            }
        }
        if (!withSignatures) {
            return;
        }
        for (Record signature : rrset.sigs()) {
            if (!response.findRecord(signature, section)) {
                response.addRecord(signature, section);
            }
        }
    }
}
