package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.Messages;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;

/** Listener settings: implicit TLS, the PROXY protocol, connection limits and loop detection. */
class SmtpListenerModesTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().startInTest().build();

    /** Starts the gateway with {@code listenerSettings} in place of the listener's relay-networks line. */
    private InetSocketAddress startWith(String listenerSettings) throws Exception {
        relay.start((directory, yaml) -> yaml.replace("relay-networks: [127.0.0.0/8]", listenerSettings));
        return relay.address();
    }

    @Test
    void implicitTlsGreetsInsideTls() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    tls-mode: implicit");
        SSLContext context = SmtpTestClient.trustingContext(null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(15_000);
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(readLine(in)).isEqualTo("220 gateway.test ESMTP SealRelay");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> ehlo = readReply(in);
            assertThat(ehlo).noneMatch(line -> line.contains("STARTTLS"));
            out.write(("MAIL FROM:<a@clinic.example>\r\nRCPT TO:<b@lab.example>\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(in)).startsWith("250 2.1.0");
            assertThat(readLine(in)).startsWith("250 2.1.5");
            assertThat(readLine(in)).startsWith("354 ");
            out.write("Subject: implicit\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(in)).startsWith("250 2.0.0 Ok: queued as ");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        assertThat(Messages.firstReceived(relay.nextHop().received().get(0).data())).contains("with ESMTPS id").contains("version=TLSv1.");
    }

    @Test
    void proxyV1HeaderSetsClientForRelayCheck() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [203.0.113.0/24]\n    proxy-protocol: true");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.sendRaw("PROXY TCP4 203.0.113.7 192.0.2.1 40000 25\r\n");
            assertThat(client.readReply()).isEqualTo("220 gateway.test ESMTP SealRelay\r\n");
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@clinic.example>");
            assertThat(client.command("RCPT TO:<b@lab.example>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            client.command("DATA");
            client.sendRaw("Subject: proxied\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        assertThat(Messages.firstReceived(relay.nextHop().received().get(0).data())).contains("([203.0.113.7])");
    }

    @Test
    void proxyV2HeaderFromOtherNetworkIsDenied() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    proxy-protocol: true");
        byte[] header = {
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, // signature
            0x21, 0x11, 0x00, 0x0C, // v2 PROXY, TCP over IPv4, 12 address octets
            (byte) 198, 51, 100, 9, (byte) 192, 0, 2, 1, // source 198.51.100.9, destination 192.0.2.1
            (byte) 0x9C, 0x40, 0x00, 0x19 // ports 40000 and 25
        };
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.sendRaw(header);
            assertThat(client.readReply()).startsWith("220 ");
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@clinic.example>");
            assertThat(client.command("RCPT TO:<b@lab.example>")).isEqualTo("554 5.7.1 Relay access denied\r\n");
        }
    }

    @Test
    void missingProxyHeaderClosesConnection() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    proxy-protocol: true");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.sendRaw("EHLO client.test\r\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void perClientConnectionLimit() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    max-connections-per-client: 2");
        List<SmtpTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                SmtpTestClient client = new SmtpTestClient(address);
                open.add(client);
                assertThat(client.readReply()).startsWith("220 ");
            }
            try (SmtpTestClient third = new SmtpTestClient(address)) {
                assertThat(third.readReply()).isEqualTo("421 4.7.0 gateway.test Too many connections, try again later\r\n");
                assertThat(third.isClosedByServer()).isTrue();
            }
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                try (SmtpTestClient again = new SmtpTestClient(address)) {
                    assertThat(again.readReply()).startsWith("220 ");
                }
            });
        } finally {
            for (SmtpTestClient client : open) {
                client.close();
            }
        }
    }

    @Test
    void tooManyReceivedHeadersIsLoop() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    max-hops: 3");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@clinic.example>");
            client.command("RCPT TO:<b@lab.example>");
            client.command("DATA");
            client.sendRaw("Received: from a\r\nReceived: from b\r\nReceived: from c\r\nSubject: loop\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).isEqualTo("554 5.4.6 Too many hops (3 Received headers): mail loop detected\r\n");
        }
        assertThat(relay.gateway().queueManager().size()).isZero();
    }

    @Test
    void acceptedDomainNeedsNoRelayAccess() throws Exception {
        InetSocketAddress address = startWith("""
                relay-networks: [192.0.2.0/24]
                    accepted-domains: [hospital.example]
                    tenant:
                      allowed-ids: [tenant-a]""");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO mx.sender.example");
            client.command("MAIL FROM:<lab@lab.example>");
            assertThat(client.command("RCPT TO:<doctor@hospital.example>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.command("RCPT TO:<ward@mail.hospital.example>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.command("RCPT TO:<someone@elsewhere.example>")).isEqualTo("554 5.7.1 Relay access denied\r\n");
            client.command("DATA");
            client.sendRaw("Subject: inbound, no tenant header\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        }
    }

    @Test
    void relayedRecipientStillNeedsTenant() throws Exception {
        InetSocketAddress address = startWith("""
                relay-networks: [127.0.0.0/8]
                    accepted-domains: [hospital.example]
                    tenant:
                      allowed-ids: [tenant-a]""");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO relay.test");
            client.command("MAIL FROM:<a@hospital.example>");
            client.command("RCPT TO:<doctor@hospital.example>");
            client.command("RCPT TO:<patient@mail.example>");
            client.command("DATA");
            client.sendRaw("Subject: mixed\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).startsWith("550 5.7.1 ");
        }
    }

    @Test
    void idleClientTimesOut() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    command-timeout: 1s\n    data-timeout: 2s");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            assertThat(client.readReply()).isEqualTo("421 4.4.2 Timeout waiting for a command, closing connection\r\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@clinic.example>");
            client.command("RCPT TO:<b@lab.example>");
            client.command("DATA");
            client.sendRaw("Subject: slow\r\n");
            assertThat(client.readReply()).isEqualTo("421 4.4.2 Timeout waiting for message data, closing connection\r\n");
        }
        assertThat(relay.gateway().queueManager().size()).isZero();
    }

    @Test
    void connectionFloodDoesNotBlockOthers() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    max-connections: 5000\n    max-connections-per-client: 5000");
        List<java.net.Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 400; i++) {
                java.net.Socket socket = new java.net.Socket();
                socket.connect(address, 5_000);
                idle.add(socket);
            }
            try (SmtpTestClient client = new SmtpTestClient(address)) {
                assertThat(client.readReply()).startsWith("220 ");
                assertThat(client.command("EHLO client.test")).startsWith("250-");
                assertThat(client.command("QUIT")).startsWith("221 ");
            }
        } finally {
            for (java.net.Socket socket : idle) {
                socket.close();
            }
        }
    }

    private static List<String> readReply(InputStream in) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine(in);
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed after '" + line + "'");
            }
            if (previous == '\r' && b == '\n') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
            previous = b;
        }
    }

    @Test
    void requireTlsRefusesMailInClear() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [127.0.0.0/8]\n    require-tls: true");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<a@clinic.example>")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
            client.command("STARTTLS");
            client.startTls();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<a@clinic.example>")).isEqualTo("250 2.1.0 Sender ok\r\n");
        }
    }

    @Test
    void barePostmasterIsAcceptedFromAnyone() throws Exception {
        InetSocketAddress address = startWith("relay-networks: [192.0.2.0/24]");
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.readReply();
            client.command("EHLO outside.example");
            client.command("MAIL FROM:<someone@outside.example>");
            assertThat(client.command("RCPT TO:<Postmaster>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.command("RCPT TO:<other@elsewhere.example>")).isEqualTo("554 5.7.1 Relay access denied\r\n");
            client.command("DATA");
            client.sendRaw("Subject: to the postmaster\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        assertThat(relay.nextHop().received().get(0).to()).isEqualTo("postmaster@gateway.test");
    }
}
