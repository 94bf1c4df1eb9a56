package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.config.GatewayConfig;
import org.sealrelay.gateway.dkim.DkimKey;
import org.sealrelay.gateway.dkim.TestKeys;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.DkimVerifier;
import org.sealrelay.gateway.testing.DkimVerifier.Mode;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.RecordingSmtpServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;
import org.sealrelay.gateway.tlsrpt.ReportPolicy;
import org.sealrelay.gateway.tlsrpt.ReportRun;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import org.subethamail.smtp.RejectException;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.TXTRecord;

/**
 * Mail the gateway writes itself, and relayed mail from a {@code dkim.sign-relayed} domain,
 * leaves through a real next hop with a DKIM signature that dkimpy verifies against the key
 * record of the configured key.
 */
class DkimSignedMailEndToEndTest {
    @TempDir
    Path directory;

    private Gateway gateway;
    private NextHopServer nextHop;
    private RecordingSmtpServer rejectingHop;
    private LoopbackDnsServer dns;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (nextHop != null) {
            nextHop.close();
        }
        if (rejectingHop != null) {
            rejectingHop.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void mailedTlsReportVerifies() throws Exception {
        nextHop = NextHopServer.withStartTls();
        dns = new LoopbackDnsServer(new TestZone("test.")
                .add(new TXTRecord(TestZone.name("_smtp._tls.lab.test."), DClass.IN, 300,
                        "v=TLSRPTv1; rua=mailto:tls-reports@lab.test"))
                .add(new ARecord(TestZone.name("mx.lab.test."), DClass.IN, 300, InetAddress.getLoopbackAddress())));
        Path keyFile = TestKeys.ed25519(directory, "reports.pem");
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        TlsReportStore earlier = TlsReportStore.open(directory.resolve("spool"), Clock.fixed(yesterday, ZoneOffset.UTC));
        earlier.success(ReportPolicy.noPolicyFound("lab.test"));
        earlier.flush();
        String yaml = TestGateways.yaml(directory, 0, nextHop.port(), "may").replace("delivery:\n", """
                delivery:
                  dns-servers: [127.0.0.1:%d]
                  tls-reporting:
                    enabled: true
                    organization-name: Clinic Example
                    contact-info: mailto:tls-admin@gateway.test
                """.formatted(dns.port())) + """
                dkim:
                  keys:
                    - domain: gateway.test
                      selector: reports
                      private-key: %s
                      service: tlsrpt
                """.formatted(keyFile);

        GatewayConfig config = ConfigLoader.parse("test.yaml", yaml);
        gateway = Gateway.start(config);
        ReportRun run = gateway.tlsReports().orElseThrow().sendDue();

        assertThat(run).isEqualTo(new ReportRun(1, 0, 0, 0));
        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
        byte[] received = nextHop.received().get(0).data();
        DkimKey key = config.dkim().keys().get(0);
        assertThat(key.recordText()).startsWith("v=DKIM1; k=ed25519; s=tlsrpt; p=");
        assertThat(new String(received, StandardCharsets.US_ASCII))
                .startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=gateway.test;");

        DkimVerifier.Result result = DkimVerifier.verify(received, key.recordName(), key.recordText(),
                Mode.TLSRPT_STRICT, directory);
        assertThat(result.verified()).as(result.output()).isTrue();

        byte[] tampered = tamperLastBase64Line(received);
        DkimVerifier.Result tamperedResult = DkimVerifier.verify(tampered, key.recordName(), key.recordText(),
                Mode.TLSRPT_STRICT, directory);
        assertThat(tamperedResult.verified()).isFalse();
        assertThat(tamperedResult.output()).contains("body hash mismatch");
    }

    @Test
    void deliveryStatusNotificationVerifies() throws Exception {
        rejectingHop = new RecordingSmtpServer(null, Map.of("gone@lab.example",
                new RejectException(550, "5.1.1 <gone@lab.example>: Recipient address rejected")));
        Path keyFile = TestKeys.rsa(directory, "host.pem", 2048);
        String dkim = """
                dkim:
                  signature-lifetime: 7d
                  keys:
                    - domain: gateway.test
                      selector: host
                      private-key: %s
                """.formatted(keyFile);
        GatewayConfig config = TestGateways.relayingTo(directory, rejectingHop.port(), "may", dkim);
        gateway = Gateway.start(config);

        send("<front-desk@clinic.example>", "<gone@lab.example>");

        await().atMost(Duration.ofSeconds(20)).until(() -> rejectingHop.messages().size() == 1);
        byte[] received = rejectingHop.messages().get(0).content();
        String text = new String(received, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=gateway.test; s=host;");
        assertThat(text).contains("x=");
        DkimKey key = config.dkim().keys().get(0);
        DkimVerifier.Result result = DkimVerifier.verify(received, key.recordName(), key.recordText(), Mode.EMAIL,
                directory);
        assertThat(result.verified()).as(result.output()).isTrue();

        byte[] tampered = text.replace("Action: failed", "Action: delayed").getBytes(StandardCharsets.US_ASCII);
        assertThat(DkimVerifier.verify(tampered, key.recordName(), key.recordText(), Mode.EMAIL, directory).verified())
                .isFalse();
    }

    @Test
    void relayedMailFromListedDomainVerifies() throws Exception {
        nextHop = NextHopServer.withStartTls();
        Path keyFile = TestKeys.ed25519(directory, "clinic.pem");
        String dkim = """
                dkim:
                  sign-relayed: [clinic.example]
                  keys:
                    - domain: clinic.example
                      selector: relay
                      private-key: %s
                """.formatted(keyFile);
        GatewayConfig config = TestGateways.relayingTo(directory, nextHop.port(), "may", dkim);
        gateway = Gateway.start(config);
        String body = "Results attached.  \r\n\tindented\t line\r\n\r\n\r\n";

        sendMessage("<front-desk@clinic.example>", "<results@lab.example>",
                "From: Front Desk <front-desk@lab.clinic.example>\r\nTo: <results@lab.example>\r\n"
                        + "Subject: Lab\r\n results\r\n\r\n" + body);
        sendMessage("<front-desk@clinic.example>", "<results@lab.example>",
                "From: <someone@otherclinic.example>\r\nSubject: Other\r\n\r\n" + body);

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 2);
        String first = new String(nextHop.received().get(0).data(), StandardCharsets.US_ASCII);
        String second = new String(nextHop.received().get(1).data(), StandardCharsets.US_ASCII);
        String signed = first.contains("lab.clinic.example") ? first : second;
        String unsigned = first.contains("lab.clinic.example") ? second : first;
        assertThat(signed).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=clinic.example;");
        assertThat(unsigned).doesNotContain("DKIM-Signature");
        DkimKey key = config.dkim().keys().get(0);
        byte[] received = signed.getBytes(StandardCharsets.US_ASCII);
        DkimVerifier.Result result = DkimVerifier.verify(received, key.recordName(), key.recordText(), Mode.EMAIL,
                directory);
        assertThat(result.verified()).as(result.output()).isTrue();

        byte[] tampered = signed.replace("indented", "Indented").getBytes(StandardCharsets.US_ASCII);
        assertThat(DkimVerifier.verify(tampered, key.recordName(), key.recordText(), Mode.EMAIL, directory).verified())
                .isFalse();
    }

    @Test
    void relayedMailWithPolicyEditsVerifies() throws Exception {
        nextHop = NextHopServer.withStartTls();
        Path keyFile = TestKeys.rsa(directory, "clinic.pem", 2048);
        Path rules = Files.writeString(directory.resolve("policy.yaml"), """
                rules:
                  - name: tag-lab
                    when: {recipient-domain: lab.example}
                    deliver: [tls-encrypt]
                    subject-tag: '[secure]'
                    add-header: {X-SealRelay-Policy: tag-lab}
                default:
                  deliver: [tls-encrypt]
                """);
        String extra = """
                policy:
                  file: %s
                dkim:
                  sign-relayed: [clinic.example]
                  keys:
                    - domain: clinic.example
                      selector: relay
                      private-key: %s
                """.formatted(rules, keyFile);
        GatewayConfig config = TestGateways.relayingTo(directory, nextHop.port(), "encrypt", extra);
        gateway = Gateway.start(config);

        sendMessage("<front-desk@clinic.example>", "<results@lab.example>",
                "From: <front-desk@clinic.example>\r\nSubject: Lab results\r\n\r\nBody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
        String received = new String(nextHop.received().get(0).data(), StandardCharsets.US_ASCII);
        assertThat(received).contains("Subject: [secure] Lab results\r\n").contains("X-SealRelay-Policy: tag-lab\r\n");
        assertThat(received).startsWith("DKIM-Signature: v=1; a=rsa-sha256;");
        DkimKey key = config.dkim().keys().get(0);
        DkimVerifier.Result result = DkimVerifier.verify(received.getBytes(StandardCharsets.US_ASCII),
                key.recordName(), key.recordText(), Mode.EMAIL, directory);
        assertThat(result.verified()).as(result.output()).isTrue();
    }

    /** Changes one character of the report's base64 part, which only a body hash notices. */
    private static byte[] tamperLastBase64Line(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        List<String> lines = new java.util.ArrayList<>(List.of(text.split("\r\n", -1)));
        int index = lines.size() - 1;
        while (!lines.get(index).matches("[A-Za-z0-9+/=]{8,}")) {
            index--;
        }
        String line = lines.get(index);
        char replacement = line.charAt(0) == 'A' ? 'B' : 'A';
        lines.set(index, replacement + line.substring(1));
        return String.join("\r\n", lines).getBytes(StandardCharsets.US_ASCII);
    }

    private void sendMessage(String from, String recipient, String message) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:" + from)).startsWith("250 ");
            assertThat(client.command("RCPT TO:" + recipient)).startsWith("250 ");
            assertThat(client.command("DATA")).startsWith("354 ");
            client.sendRaw(message + ".\r\n");
            assertThat(client.readReply()).startsWith("250 ");
            client.command("QUIT");
        }
    }

    private void send(String from, String... recipients) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:" + from)).startsWith("250 ");
            for (String recipient : recipients) {
                assertThat(client.command("RCPT TO:" + recipient)).startsWith("250 ");
            }
            assertThat(client.command("DATA")).startsWith("354 ");
            client.sendRaw("From: <front-desk@clinic.example>\r\nSubject: Lab results\r\n\r\nResults\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 ");
            client.command("QUIT");
        }
    }
}
