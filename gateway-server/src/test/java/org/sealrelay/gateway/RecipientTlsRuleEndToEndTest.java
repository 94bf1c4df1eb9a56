package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;

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

    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().policy(RULES).build();

    private void send() throws Exception {
        String reply = SmtpTestClient.submit(relay.address(), "a@clinic.example", List.of("b@lab.example"),
                "Subject: tls\r\n\r\nbody\r\n");
        assertThat(reply).startsWith(SmtpTestClient.QUEUED);
    }

    private String received(int index) {
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() > index);
        return new String(relay.nextHop().received().get(index).data(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void secondMessageSeesProvenEncryption() throws Exception {
        send();
        String first = received(0);
        // The outcome is recorded after the session's capabilities, so an empty queue means they are cached.
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.gateway().queueManager().size() == 0);
        send();
        String second = received(1);

        assertThat(first).doesNotContain("X-Proven-Tls");
        assertThat(second).startsWith("X-Proven-Tls: encrypt\r\n");
    }
}
