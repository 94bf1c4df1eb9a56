package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealrelay.gateway.cli.SealRelayCommand;
import org.sealrelay.gateway.testing.GatewayFixture;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.SmtpTestClient;
import org.sealrelay.gateway.testing.TestGateways;
import picocli.CommandLine;

/**
 * Sends mail through a gateway whose rules edit headers, tag subjects, archive a copy and
 * exempt an internal domain, and checks what the next hop receives and what the audit log holds.
 */
class PolicyActionsEndToEndTest {
    private static final String RULES = """
            rules:
              - name: tag-alice
                when: {recipient: alice@same.example}
                deliver: [tls-encrypt]
                subject-tag: '[alice]'
              - name: phi-to-partner
                when: {detector: ssn}
                deliver: [tls-encrypt]
                add-header: {X-SealRelay-Policy: phi-to-partner}
                remove-header: [X-Internal-Route]
                strip-subject-tag: '[external]'
                subject-tag: '[secure]'
                archive: archive@vault.example
              - name: internal
                when: {recipient-domain: clinic.example}
                exempt: true
            default:
              deliver: [tls-encrypt]
            """;
    private static final String MESSAGE = "From: nurse@clinic.example\r\n"
            + "X-Internal-Route: ward-7\r\n"
            + " bed-12\r\n"
            + "Subject: [external] Lab results\r\n"
            + "\r\n"
            + "Patient SSN 536-22-8174 is on file.\r\n";

    @RegisterExtension
    final GatewayFixture relay = GatewayFixture.relaying().policy(RULES).build();

    private String send(String... recipients) throws Exception {
        return SmtpTestClient.submit(relay.address(), "nurse@clinic.example", List.of(recipients), MESSAGE);
    }

    private Map<String, String> receivedByRecipient(int expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.nextHop().received().size() == expected);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.gateway().queueManager().size() == 0);
        assertThat(relay.nextHop().received()).hasSize(expected);
        return relay.nextHop().received().stream().collect(Collectors.toMap(NextHopServer.Received::to,
                received -> new String(received.data(), StandardCharsets.ISO_8859_1), (a, b) -> a + "\n---\n" + b));
    }

    @Test
    void editsReachPartnerAndArchiveGetsOriginal() throws Exception {
        String reply = send("doctor@partner.example", "charge@clinic.example");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        Map<String, String> received = receivedByRecipient(3);
        assertThat(received).containsOnlyKeys("doctor@partner.example", "charge@clinic.example",
                "archive@vault.example");

        String partner = received.get("doctor@partner.example");
        assertThat(partner).contains("X-SealRelay-Policy: phi-to-partner\r\n");
        assertThat(partner).contains("\r\nSubject: [secure] Lab results\r\n");
        assertThat(partner).doesNotContain("X-Internal-Route").doesNotContain("bed-12").doesNotContain("[external]");
        assertThat(partner).doesNotContain("archive@vault.example");
        assertThat(partner).endsWith("\r\n\r\nPatient SSN 536-22-8174 is on file.\r\n");

        String internal = received.get("charge@clinic.example");
        assertThat(internal).contains("X-Internal-Route: ward-7\r\n bed-12\r\n");
        assertThat(internal).contains("Subject: [external] Lab results\r\n");
        assertThat(internal).doesNotContain("X-SealRelay-Policy");

        String archive = received.get("archive@vault.example");
        assertThat(archive).contains("X-Internal-Route: ward-7\r\n bed-12\r\n");
        assertThat(archive).contains("Subject: [external] Lab results\r\n");
        assertThat(archive).doesNotContain("X-SealRelay-Policy");
    }

    @Test
    void recipientsOfOneDomainGetTheirOwnCopies() throws Exception {
        String reply = send("alice@same.example", "bob@same.example");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        Map<String, String> received = receivedByRecipient(3);
        assertThat(received.get("alice@same.example")).contains("\r\nSubject: [alice] [external] Lab results\r\n")
                .contains("X-Internal-Route: ward-7").doesNotContain("X-SealRelay-Policy");
        assertThat(received.get("bob@same.example")).contains("\r\nSubject: [secure] Lab results\r\n")
                .contains("X-SealRelay-Policy: phi-to-partner").doesNotContain("[alice]");
        assertThat(received.get("archive@vault.example")).contains("Subject: [external] Lab results\r\n");
    }

    @Test
    void decisionsAreAuditedWithoutAddresses() throws Exception {
        String reply = send("doctor@partner.example", "charge@clinic.example");
        String queueId = reply.substring("250 2.0.0 Ok: queued as ".length()).strip();

        List<String> lines = Files.readAllLines(relay.directory().resolve("audit.log"), StandardCharsets.US_ASCII);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"event\":\"decision\"", "\"queueId\":\"" + queueId + "\"",
                "\"listener\":\"smtp\"", "\"rcptDomain\":\"partner.example\"", "\"verdict\":\"accept\"",
                "\"rule\":\"phi-to-partner\"", "\"plan\":\"[tls-encrypt]\"", "\"evidence\":[\"detector ssn=1\"]",
                "\"archiveDomain\":\"vault.example\"");
        assertThat(lines.get(0)).containsPattern("\"rcptHash\":\"[0-9a-f]{32}\"");
        assertThat(lines.get(1)).contains("\"rcptDomain\":\"clinic.example\"", "\"rule\":\"internal\"",
                "\"exempt\":true");
        for (String line : lines) {
            assertThat(line).doesNotContain("doctor@").doesNotContain("charge@").doesNotContain("archive@")
                    .doesNotContain("536-22-8174").doesNotContain("Lab results");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(relay.directory().resolve("audit.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void auditVerifyDetectsModifiedLine() throws Exception {
        send("doctor@partner.example");
        send("doctor@partner.example");
        Path log = relay.directory().resolve("audit.log");
        Path key = relay.directory().resolve("audit.key");
        assertThat(runCli("audit", "verify", log.toString(), "--key-file", key.toString())).isZero();

        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.set(1, lines.get(1).replace("\"verdict\":\"accept\"", "\"verdict\":\"reject\""));
        Files.write(log, lines);
        StringWriter err = new StringWriter();

        int exit = runCli(err, "audit", "verify", log.toString(), "--key-file", key.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith(log + ":2: broken: the MAC does not match");
    }

    @Test
    void headerInjectionInRulesStopsStart() throws Exception {
        relay.gateway().close();
        Path bad = relay.directory().resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - name: r\n    deliver: tls-encrypt\n"
                + "    add-header: {X-A: \"x\\r\\nBcc: victim@example.org\"}\ndefault: {deliver: tls-encrypt}\n");

        assertThatThrownBy(() -> Gateway.start(TestGateways.relayingTo(relay.directory(), relay.nextHop().port(),
                        "encrypt",
                        "policy:\n  file: " + bad + "\n")))
                .isInstanceOf(IOException.class)
                .hasMessage(bad + ":4:23: rules[0].add-header.X-A: expected at most 900 printable ASCII characters");
    }

    private static int runCli(String... args) {
        return runCli(new StringWriter(), args);
    }

    private static int runCli(StringWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new SealRelayCommand());
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
