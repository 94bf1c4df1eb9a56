package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/** A recipient-tls rule reads what the previous delivery to the domain proved. */
class RecipientTlsRuleEndToEndTest {
    private static final String RULES = """
            rules:
              - name: verified
                when: {recipient-tls: verify}
                deliver: [tls-encrypt]
                add-header: {X-Proven-Tls: verify}
              - name: encrypted
                when: {recipient-tls: encrypt}
                deliver: [tls-encrypt]
                add-header: {X-Proven-Tls: encrypt}
            default:
              deliver: [tls-encrypt]
            """;

    @TempDir
    Path directory;

    private NextHopServer nextHop;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        Path rules = directory.resolve("policy.yaml");
        Files.writeString(rules, RULES, StandardCharsets.UTF_8);
        nextHop = NextHopServer.withStartTls();
        gateway = Gateway.start(TestGateways.relayingTo(directory, nextHop.port(), "encrypt",
                "policy:\n  file: " + rules + "\n"));
    }

    @AfterEach
    void stop() {
        gateway.close();
        nextHop.close();
    }

    private void send() throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(gateway.listenAddresses().get(0))) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@clinic.example>");
            client.command("RCPT TO:<b@lab.example>");
            client.command("DATA");
            client.sendRaw("Subject: tls\r\n\r\nbody\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
        }
    }

    private String received(int index) {
        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() > index);
        return new String(nextHop.received().get(index).data(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void secondMessageSeesProvenEncryption() throws Exception {
        send();
        String first = received(0);
        // The outcome is recorded after the session's capabilities, so an empty queue means they are cached.
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        send();
        String second = received(1);

        assertThat(first).doesNotContain("X-Proven-Tls");
        assertThat(second).startsWith("X-Proven-Tls: encrypt\r\n");
    }
}
