package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.testing.LogCapture;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.policy.rules.PolicyFileException;

/** Runs a gateway with a rules file and checks that a rule's reject reaches the client before any 250. */
class PolicyEndToEndTest {
    private static final String RULES = """
            rules:
              - name: block-ssn-to-webmail
                when:
                  recipient-domain: [gmail.com, yahoo.com]
                  detector: ssn
                reject:
                  code: 550
                  enhanced-code: 5.7.1
                  text: Message contains a Social Security number for a personal mailbox
            default:
              deliver: [tls-encrypt]
            """;
    private static final String SSN_MESSAGE = "From: clinic@hospital.example\r\nSubject: Forms\r\n\r\n"
            + "Your SSN 536-22-8174 is on file.\r\n";
    private static final String CLEAN_MESSAGE = "From: clinic@hospital.example\r\nSubject: Reminder\r\n\r\n"
            + "See you on Monday.\r\n";

    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().policy(RULES).build();

    private String send(SmtpTestClient client, String recipient, String message) throws Exception {
        return client.sendMessage("clinic@hospital.example", List.of(recipient), message);
    }

    @Test
    void ssnToWebmailIsRejectedAndNotRelayed() throws Exception {
        String rejected;
        String accepted;
        try (LogCapture logs = new LogCapture()) {
            try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
                client.greet();
                rejected = send(client, "pat@gmail.com", SSN_MESSAGE);
                accepted = send(client, "pat@gmail.com", CLEAN_MESSAGE);
                client.command("QUIT");
            }

            assertThat(rejected).isEqualTo("550 5.7.1 Message contains a Social Security number for a personal mailbox\r\n");
            assertThat(accepted).startsWith("250 2.0.0 Ok: queued as ");
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.gateway().queueManager().size() == 0);
            assertThat(relay.nextHop().received()).hasSize(1);
            assertThat(new String(relay.nextHop().received().get(0).data(), StandardCharsets.ISO_8859_1))
                    .contains("See you on Monday.")
                    .doesNotContain("536-22-8174");
            assertThat(logs.lines()).anyMatch(line -> line.contains("verdict=REJECT rule=block-ssn-to-webmail")
                    && line.contains("evidence=[recipient-domain, detector ssn=1]"));
            assertThat(logs.lines()).noneMatch(line -> line.contains("536-22-8174"));
            assertThat(logs.lines()).noneMatch(line -> line.contains("pat@"));
        }
    }

    @Test
    void ssnToPartnerIsRelayed() throws Exception {
        String reply;
        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.greet();
            reply = send(client, "doctor@partner.example", SSN_MESSAGE);
        }

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == 1);
    }

    @Test
    void failedReloadKeepsPreviousRules() throws Exception {
        Files.writeString(rulesFile(), "rules:\n  - name: x\n    deliver: [portal]\ndefault: {deliver: tls-encrypt}\n");

        assertThatThrownBy(() -> relay.gateway().reloadPolicy())
                .isInstanceOf(PolicyFileException.class)
                .hasMessage(rulesFile() + ":3:15: rules[0].deliver[0]: delivery method 'portal' is not available because"
                        + " SealRelay has no web portal yet; use tls-dane, tls-mta-sts, tls-verify, tls-encrypt, tls-may,"
                        + " tls-none, pgp or smime");

        try (SmtpTestClient client = new SmtpTestClient(relay.address())) {
            client.greet();
            assertThat(send(client, "pat@yahoo.com", SSN_MESSAGE))
                    .isEqualTo("550 5.7.1 Message contains a Social Security number for a personal mailbox\r\n");
        }
    }

    private Path rulesFile() {
        return relay.directory().resolve("policy.yaml");
    }
}
