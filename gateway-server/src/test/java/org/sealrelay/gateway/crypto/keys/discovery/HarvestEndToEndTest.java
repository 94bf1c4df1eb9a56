package org.sealrelay.gateway.crypto.keys.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyEntry;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;

/** A signed message relayed through a running gateway leaves its signer's certificate in the key directory. */
class HarvestEndToEndTest {
    private static final String JANE = "jane@lab.example";
    private static final String TEXT = "Content-Type: text/plain; charset=us-ascii\r\n\r\nResults attached.\r\n";

    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying()
            .configEdit((directory, yaml) -> yaml + """
                    keys:
                      directory: %s
                      harvest: true
                    """.formatted(directory.resolve("keys")))
            .build();

    @Test
    void relayedSignedMessageIsHarvested() throws Exception {
        TestCertificates.Issued jane = new TestCertificates().issue(JANE, TestCertificates.rsa(),
                KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        byte[] message = SignedMailKeysTest.smimeMessage(JANE, TEXT, SignedMailKeysTest.cmsSignature(jane, TEXT));

        String reply;
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("STARTTLS");
            client.startTls();
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<" + JANE + ">")).isEqualTo("250 2.1.0 Sender ok\r\n");
            assertThat(client.command("RCPT TO:<desk@clinic.example>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            assertThat(client.command("DATA")).startsWith("354 ");
            client.sendRaw(new String(message, StandardCharsets.US_ASCII) + ".\r\n");
            reply = client.readReply();
            client.command("QUIT");
        }

        assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{20}\r\n");
        String queueId = reply.substring("250 2.0.0 Ok: queued as ".length()).trim();
        KeyDirectory keys = relay.gateway().keyDiscovery().orElseThrow().directory();
        await().atMost(Duration.ofSeconds(20)).until(() -> keys.lookup(JANE).smimeCertificate().isPresent());
        KeyEntry entry = keys.lookup(JANE).smime().orElseThrow().entry();
        assertThat(entry.sourceKind()).isEqualTo(KeySource.HARVESTED);
        assertThat(entry.source()).isEqualTo("harvested:" + queueId);
        assertThat(keys.lookup(JANE).smimeCertificate()).contains(jane.certificate());
    }
}
