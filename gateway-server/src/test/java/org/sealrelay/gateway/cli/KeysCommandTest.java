package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.TestCertificates;
import java.time.Clock;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;
import org.sealrelay.gateway.crypto.keys.KeyFileParser;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.RecipientKey;
import picocli.CommandLine;

/** Runs {@code sealrelay keys ...} in process, as the shell would. */
class KeysCommandTest {
    static TestCertificates pki;
    static TestCertificates.Issued jane;
    static TestCertificates.Issued janeNew;
    static TestCertificates.Issued signOnly;

    @TempDir
    Path temp;

    @BeforeAll
    static void issue() throws Exception {
        pki = new TestCertificates();
        jane = pki.issue("jane@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        janeNew = pki.issue("jane@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        signOnly = pki.issue("sign@lab.example", TestCertificates.ecP256(), KeyUsage.digitalSignature);
    }

    record Run(int exitCode, String out, String err) {
    }

    private Run run(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new SealRelayCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(arguments);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Path pem(String name, TestCertificates.Issued issued) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, TestCertificates.pem(issued.certificate()));
        return file;
    }

    private String keysDir() {
        return temp.resolve("keys").toString();
    }

    private static String fingerprint(TestCertificates.Issued issued) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(issued.certificate().getEncoded()));
    }

    @Test
    void importListLookupRemove() throws Exception {
        Path file = pem("jane.pem", jane);
        String fingerprint = fingerprint(jane);

        Run imported = run("keys", "import", file.toString(), "--keys-dir", keysDir());
        Run listed = run("keys", "list", "--keys-dir", keysDir());
        Run found = run("keys", "lookup", "jane@lab.example", "--keys-dir", keysDir());
        Run removed = run("keys", "remove", "jane@lab.example", "--keys-dir", keysDir());
        Run missing = run("keys", "lookup", "jane@lab.example", "--keys-dir", keysDir());

        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).isEqualTo("imported x509 " + fingerprint + " (USABLE): jane@lab.example\n");
        assertThat(listed.out()).isEqualTo("x509    " + fingerprint + " USABLE ADMINISTRATOR pinned=jane@lab.example conflicts=- file:"
                + file.toAbsolutePath() + "\n");
        assertThat(found.exitCode()).isZero();
        assertThat(found.out()).startsWith("jane@lab.example\n  openpgp none\n  x509    " + fingerprint
                + " USABLE (file, ADMINISTRATOR): certificate ");
        assertThat(removed.out()).isEqualTo("removed x509 " + fingerprint + "\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEqualTo("jane@lab.example\n  openpgp none\n  x509    none\n");
    }

    @Test
    void conflictIsListedAndAccepted() throws Exception {
        run("keys", "import", pem("jane.pem", jane).toString(), "--keys-dir", keysDir());
        KeyDirectory directory = KeyDirectory.open(temp.resolve("keys"), Clock.systemUTC());
        RecipientKey changed = KeyFileParser.parse(janeNew.certificate().getEncoded()).get(0);
        directory.recordDiscovered(new DiscoveredKey(changed, "jane@lab.example", KeySource.SMIMEA, "x._smimecert.lab.example"));

        Run listed = run("keys", "list", "--keys-dir", keysDir());
        Run accepted = run("keys", "accept", "jane@lab.example", fingerprint(janeNew), "--keys-dir", keysDir());
        Run found = run("keys", "lookup", "jane@lab.example", "--keys-dir", keysDir());

        assertThat(listed.out()).contains("x509    " + fingerprint(janeNew)
                + " USABLE DNSSEC pinned=- conflicts=jane@lab.example smimea:x._smimecert.lab.example\n");
        assertThat(listed.out()).contains("x509    " + fingerprint(jane) + " USABLE ADMINISTRATOR pinned=jane@lab.example conflicts=- file:");
        assertThat(accepted.exitCode()).isZero();
        assertThat(accepted.out()).isEqualTo("pinned x509 " + fingerprint(janeNew) + " for jane@lab.example\n");
        assertThat(found.out()).contains("  x509    " + fingerprint(janeNew) + " USABLE (smimea, ADMINISTRATOR): ");
    }

    @Test
    void acceptOfUnknownKeyFails() {
        Run accepted = run("keys", "accept", "jane@lab.example", "00AA", "--keys-dir", keysDir());

        assertThat(accepted.exitCode()).isEqualTo(65);
        assertThat(accepted.err()).isEqualTo("sealrelay: no stored key has fingerprint 00AA; run 'sealrelay keys list'\n");
    }

    @Test
    void lookupWithConfigUsesItsDirectory() throws Exception {
        Path keys = temp.resolve("configured-keys");
        Path config = temp.resolve("sealrelay.yaml");
        Files.writeString(config, "keys:\n  directory: " + keys + "\n");
        run("keys", "import", pem("jane.pem", jane).toString(), "--keys-dir", keys.toString());

        Run found = run("keys", "lookup", "jane@lab.example", "--config", config.toString());
        Run unset = run("keys", "lookup", "jane@lab.example", "--config", temp.resolve("empty.yaml").toString());

        assertThat(found.exitCode()).isZero();
        assertThat(found.out()).startsWith("jane@lab.example\n  openpgp none\n  x509    " + fingerprint(jane)
                + " USABLE (file, ADMINISTRATOR): ");
        assertThat(unset.exitCode()).isEqualTo(78);
        assertThat(unset.err()).isEqualTo("sealrelay: " + temp.resolve("empty.yaml")
                + ": configuration file not found; pass --config with the path of sealrelay.yaml\n");
    }

    @Test
    void changedKeyNeedsReplace() throws Exception {
        run("keys", "import", pem("jane.pem", jane).toString(), "--keys-dir", keysDir());
        Path changed = pem("jane-new.pem", janeNew);

        Run refused = run("keys", "import", changed.toString(), "--keys-dir", keysDir());
        Run replaced = run("keys", "import", changed.toString(), "--replace", "--keys-dir", keysDir());

        assertThat(refused.exitCode()).isEqualTo(65);
        assertThat(refused.err()).isEqualTo("sealrelay: address ***@lab.example is pinned to x509 key " + fingerprint(jane)
                + "; import with --replace to pin it to " + fingerprint(janeNew) + " instead\n");
        assertThat(replaced.exitCode()).isZero();
        assertThat(replaced.out()).isEqualTo("imported x509 " + fingerprint(janeNew) + " (USABLE): jane@lab.example\n"
                + "  replaced " + fingerprint(jane) + "\n");
    }

    @Test
    void wrongUsageIsRejectedWithReason() throws Exception {
        Run rejected = run("keys", "import", pem("sign.pem", signOnly).toString(), "--keys-dir", keysDir());

        assertThat(rejected.exitCode()).isEqualTo(65);
        assertThat(rejected.err()).isEqualTo("sealrelay: x509 key " + fingerprint(signOnly) + " rejected (NO_ENCRYPTION_USAGE): certificate "
                + fingerprint(signOnly).substring(0, 16) + " has an EC key without the keyAgreement key usage\n");
    }

    @Test
    void expiredCertificateIsRejectedWithReason() throws Exception {
        Instant notAfter = Instant.parse("2024-06-01T00:00:00Z");
        TestCertificates.Issued expired = pki.issue("old@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement,
                notAfter.minus(Duration.ofDays(30)), notAfter);

        Run rejected = run("keys", "import", pem("old.pem", expired).toString(), "--keys-dir", keysDir());

        assertThat(rejected.exitCode()).isEqualTo(65);
        assertThat(rejected.err()).endsWith(" expired on 2024-06-01T00:00:00Z\n");
    }

    @Test
    void missingFileIsReported() {
        Path file = temp.resolve("absent.pem");

        Run rejected = run("keys", "import", file.toString(), "--keys-dir", keysDir());

        assertThat(rejected.exitCode()).isEqualTo(65);
        assertThat(rejected.err()).isEqualTo("sealrelay: " + file + ": key file not found\n");
    }

    @Test
    void importHelpNamesOptions() {
        Run help = run("keys", "import", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--replace").contains("--keys-dir=DIR");
    }

    @Test
    void removeWithoutMatchExitsWithOne() {
        Run removed = run("keys", "remove", "nobody@lab.example", "--keys-dir", keysDir());

        assertThat(removed.exitCode()).isEqualTo(1);
        assertThat(removed.err()).isEqualTo("sealrelay: no key matches nobody@lab.example\n");
    }
}
