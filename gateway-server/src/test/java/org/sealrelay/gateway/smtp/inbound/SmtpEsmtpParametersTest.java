package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.Gateway;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/**
 * SMTPUTF8 (RFC 6531), DSN (RFC 3461) and REQUIRETLS (RFC 8689) parameters, checked at the
 * listener and kept with the envelope. The next hop is down, so messages stay queued for
 * inspection.
 */
class SmtpEsmtpParametersTest {
    @TempDir
    Path directory;

    private Gateway gateway;
    private SmtpTestClient client;

    @BeforeEach
    void start() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        gateway = Gateway.start(TestGateways.relayingTo(directory, closedPort, "encrypt", ""));
        client = new SmtpTestClient(gateway.listenAddresses().get(0));
        client.readReply();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        gateway.close();
    }

    private QueueId queued(String reply) {
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        return new QueueId(reply.substring("250 2.0.0 Ok: queued as ".length()).trim());
    }

    @Test
    void ehloAdvertisesRequireTlsOnlyInsideTls() throws Exception {
        String plain = client.command("EHLO client.test");
        assertThat(plain).contains("250-SMTPUTF8\r\n").contains("250-DSN\r\n").doesNotContain("REQUIRETLS");
        assertThat(client.command("MAIL FROM:<a@clinic.example> REQUIRETLS"))
                .isEqualTo("555 5.5.4 Unsupported MAIL parameter REQUIRETLS\r\n");
        client.command("STARTTLS");
        client.startTls();
        assertThat(client.command("EHLO client.test")).contains("REQUIRETLS");
        assertThat(client.command("MAIL FROM:<a@clinic.example> REQUIRETLS")).startsWith("250 ");
        client.command("RCPT TO:<b@lab.example>");
        client.command("DATA");
        client.sendRaw("Subject: must stay encrypted\r\n\r\nx\r\n.\r\n");
        Envelope envelope = gateway.queueManager().find(queued(client.readReply()));
        assertThat(envelope.options().requireTls()).isTrue();
    }

    @Test
    void utf8AddressesNeedSmtpUtf8() throws Exception {
        client.command("EHLO client.test");
        client.sendRaw("MAIL FROM:<jos\u00e9@clinic.example>\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(client.readReply()).isEqualTo("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter on MAIL FROM\r\n");
        client.sendRaw("MAIL FROM:<a@clinic.example>\r\nRCPT TO:<\u00fcber@lab.example>\r\nRSET\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(client.readReply()).startsWith("250 ");
        assertThat(client.readReply()).isEqualTo("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter on MAIL FROM\r\n");
        assertThat(client.readReply()).startsWith("250 ");

        client.sendRaw("MAIL FROM:<jos\u00e9@clinic.example> SMTPUTF8\r\nRCPT TO:<\u00fcber@b\u00fccher.example>\r\nDATA\r\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(client.readReply()).startsWith("250 2.1.0");
        assertThat(client.readReply()).startsWith("250 2.1.5");
        assertThat(client.readReply()).startsWith("354 ");
        client.sendRaw("Subject: Gr\u00fc\u00dfe\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.UTF_8));
        Envelope envelope = gateway.queueManager().find(queued(client.readReply()));
        assertThat(envelope.options().smtpUtf8()).isTrue();
        assertThat(envelope.reversePath()).isEqualTo("jos\u00e9@clinic.example");
        assertThat(envelope.recipients().get(0).address()).isEqualTo("\u00fcber@b\u00fccher.example");
    }

    @Test
    void invalidUtf8IsRejected() throws Exception {
        client.command("EHLO client.test");
        client.sendRaw(new byte[] {'N', 'O', 'O', 'P', ' ', (byte) 0xC3, '(', '\r', '\n'});
        assertThat(client.readReply()).isEqualTo("500 5.5.2 Invalid UTF-8 in command line\r\n");
    }

    @Test
    void dsnParametersAreKept() throws Exception {
        client.command("EHLO client.test");
        assertThat(client.command("MAIL FROM:<a@clinic.example> RET=HDRS ENVID=QQ+2B314")).startsWith("250 ");
        assertThat(client.command("RCPT TO:<b@lab.example> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b+40lab.example"))
                .startsWith("250 ");
        assertThat(client.command("RCPT TO:<c@lab.example> NOTIFY=NEVER")).startsWith("250 ");
        client.command("DATA");
        client.sendRaw("Subject: dsn\r\n\r\nx\r\n.\r\n");
        Envelope envelope = gateway.queueManager().find(queued(client.readReply()));

        assertThat(envelope.options().dsnReturn()).isEqualTo("HDRS");
        assertThat(envelope.options().envelopeId()).isEqualTo("QQ+2B314");
        assertThat(envelope.recipients().get(0).dsn()).isEqualTo(new DsnRequest(
                EnumSet.of(DsnRequest.Notify.FAILURE, DsnRequest.Notify.DELAY), "rfc822;b+40lab.example"));
        assertThat(envelope.recipients().get(1).dsn().wantsFailureReport()).isFalse();
    }

    @Test
    void invalidDsnParametersAreRejected() throws Exception {
        client.command("EHLO client.test");
        assertThat(client.command("MAIL FROM:<a@clinic.example> RET=BODY"))
                .isEqualTo("501 5.5.4 Invalid RET value: expected FULL or HDRS\r\n");
        assertThat(client.command("MAIL FROM:<a@clinic.example> ENVID=has=equals"))
                .isEqualTo("501 5.5.4 Invalid ENVID value: expected 1 to 100 characters of xtext\r\n");
        assertThat(client.command("MAIL FROM:<a@clinic.example> ENVID=abc+0D+0AX-Injected:+20x"))
                .isEqualTo("501 5.5.4 Invalid ENVID value: expected 1 to 100 characters of xtext\r\n");
        assertThat(client.command("MAIL FROM:<a@clinic.example> SMTPUTF8=yes"))
                .isEqualTo("501 5.5.4 SMTPUTF8 takes no value\r\n");
        client.command("MAIL FROM:<a@clinic.example>");
        assertThat(client.command("RCPT TO:<b@lab.example> NOTIFY=NEVER,FAILURE"))
                .isEqualTo("501 5.5.4 Invalid NOTIFY value: expected NEVER, or one or more of SUCCESS, FAILURE, DELAY\r\n");
        assertThat(client.command("RCPT TO:<b@lab.example> ORCPT=b@lab.example"))
                .isEqualTo("501 5.5.4 Invalid ORCPT value: expected addr-type;xtext of at most 500 characters\r\n");
        assertThat(client.command("RCPT TO:<b@lab.example> XFOO=1"))
                .isEqualTo("555 5.5.4 Unsupported RCPT parameter XFOO\r\n");
    }
}
