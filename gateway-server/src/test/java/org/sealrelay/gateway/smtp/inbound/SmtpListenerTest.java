package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;

/** Send/expect transcripts against a running gateway that relays to a real next hop. */
class SmtpListenerTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().build();

    private SmtpTestClient connect() throws Exception {
        SmtpTestClient client = new SmtpTestClient(relay.address());
        assertThat(client.readReply()).isEqualTo("220 gateway.test ESMTP SealRelay\r\n");
        return client;
    }

    @Test
    void ehloAdvertisesExtensions() throws Exception {
        try (SmtpTestClient client = connect()) {
            assertThat(client.command("EHLO client.test")).isEqualTo(
                    "250-gateway.test\r\n250-PIPELINING\r\n250-SIZE " + (35L << 20) + "\r\n250-8BITMIME\r\n"
                            + "250-SMTPUTF8\r\n250-CHUNKING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n");
        }
    }

    @Test
    void helpListsTheCommandsOnOffer() throws Exception {
        try (SmtpTestClient client = connect()) {
            assertThat(client.command("HELP")).isEqualTo(
                    "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS\r\n");
        }
    }

    @Test
    void heloGivesPlainReply() throws Exception {
        try (SmtpTestClient client = connect()) {
            assertThat(client.command("HELO client.test")).isEqualTo("250 gateway.test\r\n");
        }
    }

    @Test
    void commandsOutOfSequenceGet503() throws Exception {
        try (SmtpTestClient client = connect()) {
            assertThat(client.command("MAIL FROM:<a@example.org>")).isEqualTo("503 5.5.1 Send EHLO or HELO first\r\n");
            client.command("EHLO client.test");
            assertThat(client.command("RCPT TO:<b@example.org>")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
            assertThat(client.command("MAIL FROM:<a@example.org>")).isEqualTo("250 2.1.0 Sender ok\r\n");
            assertThat(client.command("MAIL FROM:<a@example.org>")).isEqualTo("503 5.5.1 Sender already given\r\n");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Send RCPT first\r\n");
        }
    }

    @Test
    void unknownAndUnimplementedCommands() throws Exception {
        try (SmtpTestClient client = connect()) {
            assertThat(client.command("FROB x")).isEqualTo("500 5.5.1 Command not recognized\r\n");
            assertThat(client.command("EXPN staff")).isEqualTo("502 5.5.1 Command not implemented\r\n");
            assertThat(client.command("AUTH PLAIN")).isEqualTo("502 5.5.1 Command not implemented\r\n");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok\r\n");
            assertThat(client.command("RSET extra")).isEqualTo("501 5.5.4 This command takes no argument\r\n");
            assertThat(client.command("QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void sizeParameterOverLimitIsRejected() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<a@example.org> SIZE=" + ((35L << 20) + 1) + " BODY=8BITMIME"))
                    .isEqualTo("552 5.3.4 Message size exceeds fixed maximum of " + (35L << 20) + " octets\r\n");
            assertThat(client.command("MAIL FROM:<a@example.org> SIZE=12x"))
                    .isEqualTo("501 5.5.4 Invalid SIZE value: expected a number of octets\r\n");
            assertThat(client.command("MAIL FROM:<a@example.org> SIZE=1000 BODY=8BITMIME"))
                    .isEqualTo("250 2.1.0 Sender ok\r\n");
        }
    }

    @Test
    void unknownParametersGet555() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<a@example.org> XFOO=1"))
                    .isEqualTo("555 5.5.4 Unsupported MAIL parameter XFOO\r\n");
            client.command("MAIL FROM:<a@example.org>");
            assertThat(client.command("RCPT TO:<b@example.org> XBAR=1"))
                    .isEqualTo("555 5.5.4 Unsupported RCPT parameter XBAR\r\n");
        }
    }

    @Test
    void heloSessionRejectsEsmtpParameters() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("HELO client.test");
            assertThat(client.command("MAIL FROM:<a@example.org> SIZE=10"))
                    .isEqualTo("555 5.5.4 Unsupported MAIL parameter SIZE\r\n");
        }
    }

    @Test
    void badAddressesGetEnhancedCodes() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:a@example.org"))
                    .isEqualTo("501 5.1.7 Bad sender address syntax: expected '<' to open the address\r\n");
            client.command("MAIL FROM:<a@example.org>");
            assertThat(client.command("RCPT TO:<nobody>"))
                    .isEqualTo("501 5.1.3 Bad recipient address syntax: address must have the form local-part@domain\r\n");
        }
    }

    @Test
    void bareLineEndingInCommandIsRejected() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.sendRaw("EHLO client.test\n");
            client.sendRaw("NOOP\r\n");
            assertThat(client.readReply()).isEqualTo("500 5.5.2 Bare CR or LF in command; lines must end with CRLF\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok\r\n");
            client.sendRaw("NO\rOP\r\n");
            assertThat(client.readReply()).isEqualTo("500 5.5.2 Bare CR or LF in command; lines must end with CRLF\r\n");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok\r\n");
        }
    }

    @Test
    void overlongCommandLineIsRejected() throws Exception {
        try (SmtpTestClient client = connect()) {
            assertThat(client.command("NOOP " + "x".repeat(600))).isEqualTo("500 5.5.2 Line too long\r\n");
            assertThat(client.command("NOOP " + "x".repeat(SmtpServerHandler.MAX_COMMAND_LINE - 7)))
                    .isEqualTo("250 2.0.0 Ok\r\n");
            assertThat(client.command("NOOP " + "x".repeat(SmtpServerHandler.MAX_COMMAND_LINE - 6)))
                    .isEqualTo("500 5.5.2 Line too long\r\n");
        }
    }

    @Test
    void tooManyRecipientsGet452() throws Exception {
        relay.start((directory, yaml) -> yaml
                .replace("relay-networks: [127.0.0.0/8]", "relay-networks: [127.0.0.0/8]\n    max-recipients: 2"));
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@example.org>");
            assertThat(client.command("RCPT TO:<b1@example.org>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.command("RCPT TO:<b2@example.org>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.command("RCPT TO:<b3@example.org>")).isEqualTo("452 4.5.3 Too many recipients\r\n");
        }
    }

    @Test
    void relayDeniedOutsideAllowlist() throws Exception {
        relay.start((directory, yaml) -> yaml
                .replace("relay-networks: [127.0.0.0/8]", "relay-networks: [10.0.0.0/8]"));
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@example.org>");
            assertThat(client.command("RCPT TO:<b@example.org>")).isEqualTo("554 5.7.1 Relay access denied\r\n");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Send RCPT first\r\n");
        }
    }

    @Test
    void pipelinedTransactionGetsRepliesInOrder() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            client.sendRaw("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<bad>\r\nDATA\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.1.0 Sender ok\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.readReply()).startsWith("501 5.1.3 ");
            assertThat(client.readReply()).isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n");
            client.sendRaw("Subject: pipelined\r\n\r\nbody\r\n.\r\nNOOP\r\nQUIT\r\n");
            assertThat(client.readReply()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{20}\r\n");
            assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok\r\n");
            assertThat(client.readReply()).isEqualTo("221 2.0.0 Bye\r\n");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
    }

    @Test
    void smuggledSecondMessageIsNeverAccepted() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@example.org>");
            client.command("RCPT TO:<b@example.org>");
            client.command("DATA");
            client.sendRaw("Subject: first\r\n\r\nhello\n.\r\nMAIL FROM:<evil@example.org>\r\n"
                    + "RCPT TO:<victim@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).isEqualTo(
                    "550 5.6.0 Message rejected: bare CR or LF in message data; lines must end with CRLF\r\n");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok\r\n");
        }
        assertThat(relay.gateway().queueManager().size()).isZero();
        assertThat(relay.nextHop().received()).isEmpty();
    }

    @Test
    void startTlsDiscardsPipelinedCommandsAndResetsSession() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            client.sendRaw("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n");
            assertThat(client.readReply()).isEqualTo("220 2.0.0 Ready to start TLS\r\n");
            client.startTls();
            assertThat(client.command("MAIL FROM:<a@example.org>")).isEqualTo("503 5.5.1 Send EHLO or HELO first\r\n");
            String ehlo = client.command("EHLO client.test");
            assertThat(ehlo).doesNotContain("STARTTLS");
            assertThat(client.command("STARTTLS")).isEqualTo("503 5.5.1 TLS already active\r\n");
            assertThat(client.command("MAIL FROM:<a@example.org>")).isEqualTo("250 2.1.0 Sender ok\r\n");
        }
    }

    @Test
    void tooManyErrorsCloseTheSession() throws Exception {
        try (SmtpTestClient client = connect()) {
            for (int i = 1; i < 20; i++) {
                assertThat(client.command("FROB")).startsWith("500 ");
            }
            client.sendRaw("FROB\r\n");
            assertThat(client.readReply()).isEqualTo("500 5.5.1 Command not recognized\r\n");
            assertThat(client.readReply()).isEqualTo("421 4.7.0 Too many errors, closing connection\r\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void addressLiteralRecipientIsRejected() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@example.org>");
            assertThat(client.command("RCPT TO:<root@[127.0.0.1]>"))
                    .isEqualTo("550 5.1.2 Address literals are not accepted as recipients; use a domain name\r\n");
        }
    }
}
