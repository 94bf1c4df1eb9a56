package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.Messages;
import org.sealrelay.gateway.testing.SmtpTestClient;

/** CHUNKING and BDAT (RFC 3030), as Exchange Online sends them. */
class SmtpChunkingTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().build();

    private SmtpTestClient client;

    @BeforeEach
    void connect() throws Exception {
        client = new SmtpTestClient(relay.address());
        client.readReply();
        assertThat(client.command("EHLO exchange.test")).contains("250-CHUNKING\r\n");
    }

    @AfterEach
    void closeClient() throws Exception {
        client.close();
    }

    @Test
    void severalChunksMakeOneMessage() throws Exception {
        String first = "Subject: chunked\r\n\r\n.line with a leading dot\r\n";
        String second = "second chunk\r\n.\r\nstill the same message\r\n";
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");

        client.sendRaw("BDAT " + first.length() + "\r\n" + first);
        assertThat(client.readReply()).isEqualTo("250 2.0.0 " + first.length() + " octets received\r\n");
        client.sendRaw("BDAT " + second.length() + " LAST\r\n" + second);
        assertThat(client.readReply()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{20}\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        byte[] delivered = Messages.withoutFirstReceived(relay.nextHop().received().get(0).data());
        assertThat(new String(delivered, StandardCharsets.ISO_8859_1)).isEqualTo(first + second);
    }

    @Test
    void pipelinedChunksAndEmptyLast() throws Exception {
        String body = "Subject: pipelined\r\n\r\nbody\r\n";
        client.sendRaw("MAIL FROM:<a@clinic.example>\r\nRCPT TO:<b@lab.example>\r\nBDAT " + body.length() + "\r\n"
                + body + "BDAT 0 LAST\r\nNOOP\r\n");
        assertThat(client.readReply()).startsWith("250 2.1.0");
        assertThat(client.readReply()).startsWith("250 2.1.5");
        assertThat(client.readReply()).isEqualTo("250 2.0.0 " + body.length() + " octets received\r\n");
        assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok\r\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
    }

    @Test
    void chunkWithoutTransactionIsReadAndRejected() throws Exception {
        client.sendRaw("BDAT 14 LAST\r\nQUIT\r\nRSET\r\nab");
        assertThat(client.readReply()).isEqualTo("503 5.5.1 Send MAIL first\r\n");
        assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BDAT", "BDAT 3 FIRST", "BDAT 3 LAST X", "BDAT 1234567890123456789", "BDAT -3",
            "BDAT 3\tLAST", "BDAT +3"})
    void malformedBdatArgumentClosesConnection(String command) throws Exception {
        client.sendRaw(command + "\r\n");
        assertThat(client.readReply()).isEqualTo("501 5.5.4 Syntax: BDAT size [LAST]; closing connection\r\n");
    }

    @Test
    void repeatedSpacesBeforeLastAreAccepted() throws Exception {
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");

        String body = "Subject: spaces\r\n\r\nbody\r\n";
        client.sendRaw("BDAT " + body.length() + "   last  \r\n" + body);

        assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
    }

    @Test
    void chunkAfterHeloIsReadAndRejected() throws Exception {
        client.command("HELO old.client.test");
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");

        client.sendRaw("BDAT 6 LAST\r\nQUIT\r\n");

        assertThat(client.readReply()).isEqualTo("503 5.5.1 BDAT requires EHLO, which offers CHUNKING\r\n");
        assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok\r\n");
    }

    @Test
    void invalidChunkSizeClosesConnection() throws Exception {
        client.sendRaw("BDAT 12x\r\n");
        assertThat(client.readReply()).isEqualTo("501 5.5.4 Syntax: BDAT size [LAST]; closing connection\r\n");
        assertThat(client.isClosedByServer()).isTrue();
    }

    @Test
    void dataAfterBdatIsRejected() throws Exception {
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");
        client.sendRaw("BDAT 3\r\nab\n");
        assertThat(client.readReply()).isEqualTo(
                "550 5.6.0 Message rejected: bare CR or LF in message data; lines must end with CRLF\r\n");
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");
        client.sendRaw("BDAT 4\r\nab\r\n");
        assertThat(client.readReply()).startsWith("250 2.0.0 4 octets");
        assertThat(client.command("DATA")).isEqualTo("503 5.5.1 DATA cannot follow BDAT in one transaction\r\n");
        assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Reset\r\n");
        assertThat(relay.gateway().queueManager().size()).isZero();
    }

    @Test
    void emptyLastChunkSentAloneIsAnswered() throws Exception {
        String body = "Subject: last chunk empty\r\n\r\nbody\r\n";
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");
        client.sendRaw("BDAT " + body.length() + "\r\n" + body);
        assertThat(client.readReply()).isEqualTo("250 2.0.0 " + body.length() + " octets received\r\n");

        assertThat(client.command("BDAT 0 LAST")).startsWith("250 2.0.0 Ok: queued as ");
    }

    @Test
    void ehloBetweenChunksDiscardsMessage() throws Exception {
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");
        String abandoned = "Subject: abandoned\r\n\r\n";
        client.sendRaw("BDAT " + abandoned.length() + "\r\n" + abandoned);
        assertThat(client.readReply()).startsWith("250 2.0.0 " + abandoned.length() + " octets");

        assertThat(client.command("EHLO exchange.test")).contains("250-CHUNKING\r\n");
        client.sendRaw("BDAT 5 LAST\r\nhello");
        assertThat(client.readReply()).as("the EHLO ended the transaction").startsWith("503 5.5.1 ");
        String body = "Subject: kept\r\n\r\nbody\r\n";
        client.command("MAIL FROM:<a@clinic.example>");
        client.command("RCPT TO:<b@lab.example>");
        client.sendRaw("BDAT " + body.length() + " LAST\r\n" + body);

        assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        byte[] delivered = Messages.withoutFirstReceived(relay.nextHop().received().get(0).data());
        assertThat(new String(delivered, StandardCharsets.ISO_8859_1)).isEqualTo(body);
    }
}
