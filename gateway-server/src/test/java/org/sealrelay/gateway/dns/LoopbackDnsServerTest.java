package org.sealrelay.gateway.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.HostAndPort;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The loopback DNS server queried over real sockets by dnsjava's {@code SimpleResolver}. */
class LoopbackDnsServerTest {
    /** Enough TXT records that the answer passes the 512-octet UDP limit. */
    private static final int LARGE_RRSET = 30;

    @TempDir
    Path temp;

    private LoopbackDnsServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersOverUdp() throws Exception {
        server = new LoopbackDnsServer(zone());

        Message response = resolver().send(Message.newQuery(Record.newRecord(name("mx.wire.test."), Type.A, DClass.IN)));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getSection(Section.ANSWER)).hasSize(1);
        assertThat(((ARecord) response.getSection(Section.ANSWER).get(0)).getAddress())
                .isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(server.udpQueries()).isEqualTo(1);
        assertThat(server.tcpQueries()).isZero();
    }

    @Test
    void signaturesOnlyWithDoBit() throws Exception {
        server = new LoopbackDnsServer(signedZone());
        Message query = Message.newQuery(Record.newRecord(name("wire.test."), Type.MX, DClass.IN));

        SimpleResolver plain = resolver();
        Message withoutDo = plain.send(query);
        SimpleResolver dnssec = resolver();
        dnssec.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
        Message withDo = dnssec.send(query);

        assertThat(withoutDo.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.MX);
        assertThat(withDo.getSection(Section.ANSWER)).extracting(Record::getType)
                .containsExactlyInAnyOrder(Type.MX, Type.RRSIG);
        assertThat(withDo.getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    }

    @Test
    void nxdomainCarriesNsecProofWithDo() throws Exception {
        server = new LoopbackDnsServer(signedZone());
        SimpleResolver dnssec = resolver();
        dnssec.setEDNS(0, 1232, ExtendedFlags.DO, List.of());

        Message response = dnssec.send(Message.newQuery(Record.newRecord(name("absent.wire.test."), Type.A, DClass.IN)));

        assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(response.getSection(Section.AUTHORITY)).extracting(Record::getType)
                .contains(Type.SOA, Type.NSEC, Type.RRSIG);
    }

    @Test
    void largeAnswerTruncatedOverUdp() throws Exception {
        server = new LoopbackDnsServer(zone());
        SimpleResolver resolver = resolver();
        resolver.setIgnoreTruncation(true);

        Message response = resolver.send(Message.newQuery(Record.newRecord(name("big.wire.test."), Type.TXT, DClass.IN)));

        assertThat(response.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(response.getSection(Section.ANSWER).size()).isLessThan(LARGE_RRSET);
        assertThat(server.truncatedResponses()).isEqualTo(1);
        assertThat(server.tcpQueries()).isZero();
    }

    @Test
    void truncatedAnswerRetriedOverTcp() throws Exception {
        server = new LoopbackDnsServer(zone());

        Message response = resolver().send(Message.newQuery(Record.newRecord(name("big.wire.test."), Type.TXT,
                DClass.IN)));

        assertThat(response.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(response.getSection(Section.ANSWER)).hasSize(LARGE_RRSET);
        assertThat(server.truncatedResponses()).isEqualTo(1);
        assertThat(server.udpQueries()).isEqualTo(1);
        assertThat(server.tcpQueries()).isEqualTo(1);
    }

    @Test
    void mxLookupThroughConfiguredServer() throws Exception {
        server = new LoopbackDnsServer(zone());
        MxResolver mx = MxResolver.forServers(List.of(new HostAndPort("127.0.0.1", server.port())));

        MxAnswer answer = mx.resolveMx("wire.test").join();

        assertThat(answer.status()).isEqualTo(MxAnswer.Status.MX);
        assertThat(answer.hosts()).containsExactly("mx.wire.test");
        assertThat(mx.resolveAddresses("mx.wire.test").join()).containsExactly(InetAddress.getLoopbackAddress());
        assertThat(server.udpQueries()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void dnssecValidationOverTheWire() throws Exception {
        TestZone signed = signedZone();
        Path anchor = temp.resolve("anchor.key");
        Files.write(anchor, signed.trustAnchor().readAllBytes());
        server = new LoopbackDnsServer(signed);
        DnssecResolver validating = DnssecResolver.create(resolver(), anchor);

        DnssecResolver.SecureMx secureMx = validating.resolveMx("wire.test").join();
        DnssecResolver.SecureMx missing = validating.resolveMx("absent.wire.test").join();

        assertThat(secureMx.security()).isEqualTo(DnssecResolver.Security.SECURE);
        assertThat(secureMx.mx().hosts()).containsExactly("mx.wire.test");
        assertThat(missing.security()).isEqualTo(DnssecResolver.Security.SECURE);
        assertThat(missing.mx().status()).isEqualTo(MxAnswer.Status.NO_SUCH_DOMAIN);
    }

    private SimpleResolver resolver() throws Exception {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver;
    }

    private static TestZone zone() {
        TestZone zone = new TestZone("wire.test.");
        zone.add(new MXRecord(name("wire.test."), DClass.IN, 300, 10, name("mx.wire.test.")));
        zone.add(new ARecord(name("mx.wire.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        for (int i = 0; i < LARGE_RRSET; i++) {
            zone.add(new TXTRecord(name("big.wire.test."), DClass.IN, 300, "record " + i + " " + "t".repeat(40)));
        }
        return zone;
    }

    private static TestZone signedZone() throws Exception {
        TestZone zone = zone();
        zone.sign();
        return zone;
    }

    private static Name name(String text) {
        return TestZone.name(text);
    }
}
