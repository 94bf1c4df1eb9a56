package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code sealrelay policy check} and {@code policy test} in-process through picocli. */
class PolicyCommandTest {
    private static final Path EXAMPLE = Path.of("../config/policy.yaml");

    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new SealRelayCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String eml(String name) throws URISyntaxException {
        return Path.of(PolicyCommandTest.class.getResource("/eml/" + name).toURI()).toString();
    }

    @Test
    void checkAcceptsExamplePolicy() {
        int exit = run("policy", "check", EXAMPLE.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo(EXAMPLE + ": valid, 3 rule(s) and a default\n");
        assertThat(exit).isZero();
    }

    @Test
    void checkReportsPositionOfError() throws Exception {
        Path bad = directory.resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - name: r\n    when: {sender-domain: 'not a domain'}\n    deliver: tls-verify\n"
                + "default: {deliver: tls-encrypt}\n");

        int exit = run("policy", "check", bad.toString());

        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo(bad + ":3:27: rules[0].when.sender-domain: invalid domain 'not a domain':"
                + " expected a name such as example.org\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void checkReportsMissingFile() {
        int exit = run("policy", "check", directory.resolve("none.yaml").toString());

        assertThat(err.toString()).isEqualTo(directory.resolve("none.yaml")
                + ": rules file not found; check policy.file in the configuration\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void testShowsDecisionPerRecipient() throws Exception {
        int exit = run("policy", "test", eml("ssn-plain.eml"), "--from", "clinic@hospital.example",
                "--to", "pat@gmail.com", "--to", "doctor@partner.example", "--to", "nurse@hospital.example",
                "--policy", EXAMPLE.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo("""
                detectors: ssn=1
                pat@gmail.com: REJECT 550 5.7.1 Message contains a Social Security number and cannot go to a personal mailbox
                  rule: block-ssn-to-webmail
                  why: rule block-ssn-to-webmail matched: recipient-domain, detector ssn=1
                doctor@partner.example: ACCEPT deliver [tls-verify, pgp, smime, tls-encrypt]
                  rule: phi-to-outside
                  why: rule phi-to-outside matched: not recipient-domain-suffix, detector ssn=1
                nurse@hospital.example: ACCEPT deliver [tls-encrypt]
                  rule: default
                  why: no rule matched; default action
                """);
        assertThat(exit).isZero();
    }

    @Test
    void testMatchesSecureSubject() throws Exception {
        int exit = run("policy", "test", eml("html-attachment.eml"), "--to", "doctor@partner.example",
                "--policy", EXAMPLE.toString());

        assertThat(out.toString()).isEqualTo("""
                detectors: npi=1
                doctor@partner.example: ACCEPT deliver [tls-verify]
                  rule: secure-subject
                  why: rule secure-subject matched: subject
                """);
        assertThat(exit).isZero();
    }

    @Test
    void testFindsPhiInQuotedPrintable() throws Exception {
        int exit = run("policy", "test", eml("quoted-printable.eml"), "--to", "someone@yahoo.com",
                "--policy", EXAMPLE.toString());

        assertThat(out.toString()).isEqualTo("""
                detectors: icd10=1, dob=1
                someone@yahoo.com: ACCEPT deliver [tls-verify, pgp, smime, tls-encrypt]
                  rule: phi-to-outside
                  why: rule phi-to-outside matched: not recipient-domain-suffix, detector dob=1
                """);
        assertThat(exit).isZero();
    }

    @Test
    void testWithoutPolicyUsesDomainLevels() throws Exception {
        Path config = directory.resolve("sealrelay.yaml");
        Files.writeString(config, "delivery:\n  default-tls-level: verify\n");

        int exit = run("policy", "test", eml("ssn-plain.eml"), "--to", "pat@gmail.com", "--config", config.toString());

        assertThat(out.toString()).isEqualTo("""
                pat@gmail.com: ACCEPT deliver [tls-verify]
                  rule: domain-tls
                  why: no domain entry, default tls-verify
                """);
        assertThat(exit).isZero();
    }

    @Test
    void testShowsEditsArchiveAndExemption() throws Exception {
        Path rules = directory.resolve("actions.yaml");
        Files.writeString(rules, """
                rules:
                  - {name: internal, when: {recipient-domain: hospital.example}, exempt: true}
                  - name: tag
                    when: {detector: ssn}
                    deliver: tls-verify
                    subject-tag: '[secure]'
                    archive: vault@archive.example
                default: {deliver: tls-encrypt}
                """);

        int exit = run("policy", "test", eml("ssn-plain.eml"), "--to", "doctor@partner.example",
                "--to", "nurse@hospital.example", "--policy", rules.toString());

        assertThat(out.toString()).isEqualTo("""
                detectors: ssn=1
                doctor@partner.example: ACCEPT deliver [tls-verify]
                  rule: tag
                  why: rule tag matched: detector ssn=1
                  edits: subject-tag
                  archive copy: vault@archive.example by [tls-encrypt]
                nurse@hospital.example: ACCEPT deliver [tls-encrypt]
                  rule: internal
                  why: rule internal matched, content rules skipped: recipient-domain
                  exempt: content rules skipped
                """);
        assertThat(exit).isZero();
    }

    @Test
    void testReportsMissingMessage() {
        int exit = run("policy", "test", directory.resolve("none.eml").toString(), "--to", "a@b.example",
                "--policy", EXAMPLE.toString());

        assertThat(err.toString()).isEqualTo(directory.resolve("none.eml") + ": message file not found\n");
        assertThat(exit).isEqualTo(1);
    }
}
