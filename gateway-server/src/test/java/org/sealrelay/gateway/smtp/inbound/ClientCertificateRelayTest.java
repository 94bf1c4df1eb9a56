package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.ClientCertificates;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.tls.SelfSignedCertificate;

/**
 * Relay by TLS client certificate, bound to a tenant header, as a Microsoft 365 outbound
 * connector would use it: the certificate alone is shared by every tenant, so it is not enough.
 */
class ClientCertificateRelayTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().configEdit(this::trustConnector).build();

    private KeyManager[] connectorCertificate;

    /** Writes a connector certificate that the listener trusts and binds relay to a tenant header. */
    private String trustConnector(Path directory, String yaml) throws Exception {
        SelfSignedCertificate connector = SelfSignedCertificate.generate("relay1.protection.outlook.test",
                List.of("relay1.protection.outlook.test"), List.of());
        Path trust = directory.resolve("connector-ca.pem");
        connector.writePem(trust, directory.resolve("connector.key"));
        connectorCertificate = ClientCertificates.keyManagers(connector);

        return yaml.replace("relay-networks: [127.0.0.0/8]", """
                        relay-networks: [192.0.2.0/24]
                            client-certificates:
                              trust-file: %s
                              allowed-names: ["*.protection.outlook.test"]
                            tenant:
                              header: X-MS-Exchange-CrossTenant-Id
                              allowed-ids: [0f2c6a1e-1111-4c3b-9d7e-aaaaaaaaaaaa]
                            processed-header: "X-SealRelay-Processed: gateway.test\"""".formatted(trust));
    }

    private String sendAs(KeyManager[] certificate, String tenantHeader) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.readReply();
            client.command("EHLO relay1.protection.outlook.test");
            client.command("STARTTLS");
            client.startTls(certificate);
            client.command("EHLO relay1.protection.outlook.test");
            client.command("MAIL FROM:<a@clinic.example>");
            String rcpt = client.command("RCPT TO:<b@lab.example>");
            if (!rcpt.startsWith("250 ")) {
                return rcpt;
            }
            client.command("DATA");
            client.sendRaw(tenantHeader + "Subject: connector\r\n\r\nbody\r\n.\r\n");
            return client.readReply();
        }
    }

    @Test
    void certificateAndTenantAllowRelay() throws Exception {
        assertThat(sendAs(connectorCertificate, "X-MS-Exchange-CrossTenant-Id: 0F2C6A1E-1111-4C3B-9D7E-AAAAAAAAAAAA\r\n"))
                .startsWith("250 2.0.0 Ok: queued as ");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
        String delivered = new String(relay.nextHop().received().get(0).data(), StandardCharsets.ISO_8859_1);
        assertThat(delivered).contains("\r\nX-SealRelay-Processed: gateway.test\r\n");
    }

    @Test
    void otherTenantIsRejected() throws Exception {
        assertThat(sendAs(connectorCertificate, "X-MS-Exchange-CrossTenant-Id: 99999999-2222-4c3b-9d7e-bbbbbbbbbbbb\r\n"))
                .isEqualTo("550 5.7.1 Message rejected: the sending tenant is not allowed to relay through this gateway\r\n");
    }

    @Test
    void addedSecondTenantHeaderIsRejected() throws Exception {
        assertThat(sendAs(connectorCertificate, "X-MS-Exchange-CrossTenant-Id: 0f2c6a1e-1111-4c3b-9d7e-aaaaaaaaaaaa\r\n"
                + "x-ms-exchange-crosstenant-id: 99999999-2222-4c3b-9d7e-bbbbbbbbbbbb\r\n"))
                .startsWith("550 5.7.1 ");
    }

    @Test
    void missingTenantHeaderIsRejected() throws Exception {
        assertThat(sendAs(connectorCertificate, "")).startsWith("550 5.7.1 ");
        assertThat(relay.gateway().queueManager().size()).isZero();
    }

    @Test
    void noCertificateMeansNoRelay() throws Exception {
        assertThat(sendAs(null, "")).isEqualTo("554 5.7.1 Relay access denied\r\n");
    }

    @Test
    void certificateWithOtherNameMeansNoRelay() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.generate("mx.attacker.test", List.of("mx.attacker.test"), List.of());
        // Not issued by a trusted CA, so the client does not even offer it, and relay stays closed.
        assertThat(sendAs(ClientCertificates.keyManagers(other), "")).isEqualTo("554 5.7.1 Relay access denied\r\n");
    }
}
