package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;

/** SMTP AUTH (RFC 4954) on a listener whose relay networks exclude the test client. */
class SmtpAuthTest {
    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying()
            .configEdit((directory, yaml) -> yaml.replace("relay-networks: [127.0.0.0/8]",
                    "relay-networks: [192.0.2.0/24]\n    credentials-file: "
                            + TestGateways.credentialsFile(directory, "# test users\n", "ehr-app", "s3cret pass")))
            .build();

    private SmtpTestClient connectWithTls() throws Exception {
        SmtpTestClient client = new SmtpTestClient(relay.address());
        client.readReply();
        assertThat(client.command("EHLO app.test")).doesNotContain("AUTH");
        client.command("STARTTLS");
        client.startTls();
        assertThat(client.command("EHLO app.test")).contains("250-AUTH PLAIN LOGIN\r\n");
        return client;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authBeforeTlsIsRefused() throws Exception {
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.readReply();
            client.command("EHLO app.test");
            assertThat(client.command("AUTH PLAIN " + base64("\0ehr-app\0s3cret pass"))).isEqualTo(
                    "538 5.7.11 Encryption required for requested authentication mechanism; use STARTTLS first\r\n");
        }
    }

    @Test
    void plainWithInitialResponseAllowsRelay() throws Exception {
        try (SmtpTestClient client = connectWithTls()) {
            client.command("MAIL FROM:<a@clinic.example>");
            assertThat(client.command("RCPT TO:<b@lab.example>")).isEqualTo("554 5.7.1 Relay access denied\r\n");
            client.command("RSET");
            assertThat(client.command("AUTH PLAIN " + base64("\0ehr-app\0s3cret pass")))
                    .isEqualTo("235 2.7.0 Authentication successful\r\n");
            assertThat(client.command("EHLO app.test")).doesNotContain("AUTH");
            assertThat(client.command("MAIL FROM:<a@clinic.example> AUTH=<>")).isEqualTo("250 2.1.0 Sender ok\r\n");
            assertThat(client.command("RCPT TO:<b@lab.example>")).isEqualTo("250 2.1.5 Recipient ok\r\n");
            client.command("DATA");
            client.sendRaw("Subject: auth\r\n\r\nx\r\n.\r\n");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(client.command("AUTH PLAIN " + base64("\0ehr-app\0s3cret pass")))
                    .isEqualTo("503 5.5.1 Already authenticated\r\n");
        }
        org.awaitility.Awaitility.await().until(() -> relay.nextHop().received().size() == 1);
        assertThat(new String(relay.nextHop().received().get(0).data(), StandardCharsets.ISO_8859_1))
                .contains(" with ESMTPSA id ");
    }

    @Test
    void loginMechanismWithChallenges() throws Exception {
        try (SmtpTestClient client = connectWithTls()) {
            assertThat(client.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6\r\n");
            assertThat(client.command(base64("ehr-app"))).isEqualTo("334 UGFzc3dvcmQ6\r\n");
            assertThat(client.command(base64("s3cret pass"))).isEqualTo("235 2.7.0 Authentication successful\r\n");
        }
    }

    @Test
    void plainWithoutInitialResponseAndCancel() throws Exception {
        try (SmtpTestClient client = connectWithTls()) {
            assertThat(client.command("AUTH PLAIN")).isEqualTo("334 \r\n");
            assertThat(client.command("*")).isEqualTo("501 5.0.0 Authentication cancelled\r\n");
            assertThat(client.command("AUTH PLAIN")).isEqualTo("334 \r\n");
            assertThat(client.command("not base64!")).isEqualTo("501 5.5.2 Invalid base64 in authentication response\r\n");
            assertThat(client.command("AUTH CRAM-MD5"))
                    .isEqualTo("504 5.5.4 Unrecognized authentication mechanism; use PLAIN or LOGIN\r\n");
        }
    }

    @Test
    void wrongPasswordAndUnknownUserFailAlike() throws Exception {
        try (SmtpTestClient client = connectWithTls()) {
            assertThat(client.command("AUTH PLAIN " + base64("\0ehr-app\0wrong")))
                    .isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
            assertThat(client.command("AUTH PLAIN " + base64("\0nobody\0s3cret pass")))
                    .isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
            assertThat(client.command("AUTH PLAIN " + base64("other\0ehr-app\0s3cret pass")))
                    .isEqualTo("535 5.7.8 Authentication credentials invalid\r\n");
        }
    }

    @Test
    void repeatedFailuresAreSlowedDown() throws Exception {
        try (SmtpTestClient client = connectWithTls()) {
            client.command("AUTH PLAIN " + base64("\0ehr-app\0wrong1"));
            client.command("AUTH PLAIN " + base64("\0ehr-app\0wrong2"));
            long started = System.nanoTime();
            assertThat(client.command("AUTH PLAIN " + base64("\0ehr-app\0s3cret pass")))
                    .isEqualTo("235 2.7.0 Authentication successful\r\n");
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(elapsedMillis).as("delay after two failures").isGreaterThanOrEqualTo(2000);
        }
    }
}
