package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.ClientCertificates;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;
import org.sealrelay.gateway.tls.SelfSignedCertificate;

/** Rules on the SMTP AUTH user, the TLS client certificate and REQUIRETLS, fed by a real SMTP session. */
class IdentityRulesEndToEndTest {
    private static final String RULES = """
            rules:
              - name: connector
                when: {client-certificate: '*.connector.test'}
                reject: {code: 553, enhanced-code: 5.7.1, text: Matched the connector certificate}
              - name: app-with-requiretls
                when: {auth-user: ehr-app, requiretls: true}
                reject: {code: 552, enhanced-code: 5.7.1, text: Matched the app with REQUIRETLS}
              - name: app
                when: {auth-user: ehr-app}
                reject: {code: 551, enhanced-code: 5.7.1, text: Matched the app}
            default:
              deliver: [tls-encrypt]
            """;

    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().policy(RULES).configEdit(this::identities).build();

    private KeyManager[] connectorCertificate;
    private KeyManager[] otherCertificate;

    /** Writes the credentials and two client certificates, and lets the listener accept both. */
    private String identities(Path directory, String yaml) throws Exception {
        Path credentials = TestGateways.credentialsFile(directory, "", "ehr-app", "s3cret pass");
        SelfSignedCertificate connector = SelfSignedCertificate.generate("relay1.connector.test",
                List.of("relay1.connector.test"), List.of());
        SelfSignedCertificate other = SelfSignedCertificate.generate("relay1.other.test",
                List.of("relay1.other.test"), List.of());
        Path trust = directory.resolve("connector-ca.pem");
        Path otherPem = directory.resolve("other.pem");
        connector.writePem(trust, directory.resolve("connector.key"));
        other.writePem(otherPem, directory.resolve("other.key"));
        Files.writeString(trust, Files.readString(trust) + Files.readString(otherPem));
        connectorCertificate = ClientCertificates.keyManagers(connector);
        otherCertificate = ClientCertificates.keyManagers(other);
        return yaml.replace("relay-networks: [127.0.0.0/8]", """
                        relay-networks: [127.0.0.0/8]
                            credentials-file: %s
                            client-certificates:
                              trust-file: %s
                              allowed-names: ["*.connector.test", "*.other.test"]""".formatted(credentials, trust));
    }

    private String send(boolean authenticate, String mailParameters) throws Exception {
        return send(null, authenticate, mailParameters);
    }

    private String send(KeyManager[] certificate, boolean authenticate, String mailParameters) throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.readReply();
            client.command("EHLO app.test");
            client.command("STARTTLS");
            client.startTls(certificate);
            client.command("EHLO app.test");
            if (authenticate) {
                String response = Base64.getEncoder().encodeToString("\0ehr-app\0s3cret pass".getBytes(StandardCharsets.UTF_8));
                assertThat(client.command("AUTH PLAIN " + response)).isEqualTo("235 2.7.0 Authentication successful\r\n");
            }
            assertThat(client.command("MAIL FROM:<a@clinic.example>" + mailParameters)).isEqualTo("250 2.1.0 Sender ok\r\n");
            assertThat(client.command("RCPT TO:<b@lab.example>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            client.command("DATA");
            client.sendRaw("Subject: identity\r\n\r\nx\r\n.\r\n");
            return client.readReply();
        }
    }

    @Test
    void anonymousClientGetsDefault() throws Exception {
        assertThat(send(false, "")).startsWith("250 2.0.0 Ok: queued as ");
    }

    @Test
    void authenticatedUserMatchesRule() throws Exception {
        assertThat(send(true, "")).isEqualTo("551 5.7.1 Matched the app\r\n");
    }

    @Test
    void requireTlsMatchesRule() throws Exception {
        assertThat(send(true, " REQUIRETLS")).isEqualTo("552 5.7.1 Matched the app with REQUIRETLS\r\n");
    }

    @Test
    void clientCertificateMatchesRule() throws Exception {
        assertThat(send(connectorCertificate, false, "")).isEqualTo("553 5.7.1 Matched the connector certificate\r\n");
    }

    @Test
    void otherCertificateGetsDefault() throws Exception {
        assertThat(send(otherCertificate, false, "")).startsWith("250 2.0.0 Ok: queued as ");
    }
}
