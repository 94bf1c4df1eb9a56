package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;
import org.sealrelay.gateway.dns.InMemoryResolver;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.TestDeliveryConfigs;
import org.sealrelay.policy.TlsLevel;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.SimpleResolver;

/**
 * The transport table against loopback next hops. MX lookups go over UDP to a
 * {@link LoopbackDnsServer}; routes that need no DNS use an empty in-memory resolver.
 */
class TransportRoutingTest {
    private SmtpDeliveryAgent agent;
    private LoopbackDnsServer dns;

    @AfterEach
    void closeAgent() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void fixedHostTransportOverridesSmartHost() throws Exception {
        int closedPort = closedPort();
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            DeliveryConfig config = config(new HostAndPort("127.0.0.1", closedPort),
                    Map.of("example.org", Transport.parse("smtp:[127.0.0.1]:" + server.port())));
            agent = new SmtpDeliveryAgent(config, new DeliveryEnvironment(new InMemoryResolver(), 0, null));

            DeliveryOutcome outcome = deliver("a@mail.example.org", "mail.example.org");

            assertThat(outcome.byRecipient().get("a@mail.example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.nextHop()).isEqualTo("127.0.0.1[127.0.0.1]:" + server.port());
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void domainWithoutEntryUsesSmartHost() throws Exception {
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            DeliveryConfig config = config(new HostAndPort("127.0.0.1", server.port()),
                    Map.of("example.org", Transport.parse("smtp:[127.0.0.1]:" + closedPort())));
            agent = new SmtpDeliveryAgent(config, new DeliveryEnvironment(new InMemoryResolver(), 0, null));

            DeliveryOutcome outcome = deliver("a@other.example", "other.example");

            assertThat(outcome.byRecipient().get("a@other.example").result()).isEqualTo(Result.DELIVERED);
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void relayDomainTransportUsesItsMxHosts() throws Exception {
        TestZone zone = new TestZone("test.")
                .add(new MXRecord(TestZone.name("hub.test."), DClass.IN, 300, 10, TestZone.name("mx.hub.test.")))
                .add(new ARecord(TestZone.name("mx.hub.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            DeliveryConfig config = config(null, Map.of("example.org", Transport.parse("smtp:hub.test")));
            agent = new SmtpDeliveryAgent(config, new DeliveryEnvironment(loopbackDns(zone), server.port(), null));

            DeliveryOutcome outcome = deliver("a@example.org", "example.org");

            assertThat(outcome.byRecipient().get("a@example.org").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.nextHop()).isEqualTo("mx.hub.test[127.0.0.1]:" + server.port());
        }
    }

    @Test
    void mxTransportLooksUpTheRecipientDomain() throws Exception {
        TestZone zone = new TestZone("test.")
                .add(new MXRecord(TestZone.name("clinic.test."), DClass.IN, 300, 10, TestZone.name("mx.clinic.test.")))
                .add(new ARecord(TestZone.name("mx.clinic.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        try (RecordingSmtpServer server = new RecordingSmtpServer(null, Map.of())) {
            DeliveryConfig config = config(new HostAndPort("127.0.0.1", closedPort()),
                    Map.of("clinic.test", Transport.MX));
            agent = new SmtpDeliveryAgent(config, new DeliveryEnvironment(loopbackDns(zone), server.port(), null));

            DeliveryOutcome outcome = deliver("a@clinic.test", "clinic.test");

            assertThat(outcome.byRecipient().get("a@clinic.test").result()).isEqualTo(Result.DELIVERED);
            assertThat(outcome.nextHop()).isEqualTo("mx.clinic.test[127.0.0.1]:" + server.port());
        }
    }

    private SimpleResolver loopbackDns(TestZone zone) throws Exception {
        dns = new LoopbackDnsServer(zone);
        return new SimpleResolver(dns.address());
    }

    private DeliveryOutcome deliver(String recipient, String domain) throws Exception {
        byte[] content = "Subject: routing\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        DeliveryRequest request = new DeliveryRequest(QueueId.generate(), "sender@example.com", List.of(recipient),
                domain, TlsLevel.MAY, false, content.length, () -> new ByteArrayInputStream(content));
        return agent.deliver(request).get(30, TimeUnit.SECONDS);
    }

    private static DeliveryConfig config(HostAndPort smartHost, Map<String, Transport> transports) {
        return TestDeliveryConfigs.builder()
                .smartHost(smartHost)
                .defaultTlsLevel(TlsLevel.MAY)
                .transports(transports)
                .mtaSts(false)
                .build();
    }

    /** Returns a loopback port with no listener, so that a connection to it fails at once. */
    static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
