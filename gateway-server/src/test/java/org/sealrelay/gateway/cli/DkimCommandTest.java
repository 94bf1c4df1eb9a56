package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.dkim.DkimKey;
import org.sealrelay.gateway.dkim.DkimService;
import org.sealrelay.gateway.dkim.TestKeys;
import picocli.CommandLine;

class DkimCommandTest {
    @TempDir
    Path directory;

    @Test
    void recordOfKeyFile() throws Exception {
        Path file = TestKeys.ed25519(directory, "ed.pem");
        DkimKey key = TestKeys.key(file, "clinic.example", "reports", DkimService.TLSRPT);
        StringWriter out = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setOut(new PrintWriter(out)).execute("dkim", "record",
                "--private-key", file.toString(), "--domain", "clinic.example", "--selector", "reports",
                "--service", "tlsrpt");

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("reports._domainkey.clinic.example. IN TXT ( \"" + key.recordText()
                + "\" )" + System.lineSeparator());
        assertThat(out.toString()).doesNotContain(Files.readString(file).lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void configuredRsaRecordIsSplitIntoStrings() throws Exception {
        Path file = TestKeys.rsa(directory, "rsa.pem", 2048);
        Path config = Files.writeString(directory.resolve("sealrelay.yaml"),
                "dkim:\n  keys:\n    - domain: clinic.example\n      selector: r1\n      private-key: " + file + "\n");
        StringWriter out = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setOut(new PrintWriter(out))
                .execute("dkim", "record", "--config", config.toString());

        assertThat(exit).isZero();
        String line = out.toString().strip();
        assertThat(line).startsWith("r1._domainkey.clinic.example. IN TXT ( \"v=DKIM1; k=rsa; p=").endsWith("\" )");
        List<String> strings = List.of(line.substring(line.indexOf('(') + 1, line.lastIndexOf(')')).trim()
                .split("\" \""));
        assertThat(strings).hasSizeGreaterThan(1);
        for (String string : strings) {
            assertThat(string.replace("\"", "").length()).isLessThanOrEqualTo(255);
        }
        String joined = String.join("", strings).replace("\"", "");
        assertThat(joined).isEqualTo(TestKeys.key(file, "clinic.example", "r1", DkimService.ALL).recordText());
    }

    @Test
    void missingDomainIsUsageError() throws Exception {
        Path file = TestKeys.ed25519(directory, "ed.pem");
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setErr(new PrintWriter(err))
                .execute("dkim", "record", "--private-key", file.toString());

        assertThat(exit).isEqualTo(64);
        assertThat(err.toString()).contains("--private-key needs --domain and --selector");
    }

    @Test
    void weakKeyIsRejected() throws Exception {
        Path file = TestKeys.rsa(directory, "weak.pem", 1024);
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setErr(new PrintWriter(err)).execute("dkim", "record",
                "--private-key", file.toString(), "--domain", "clinic.example", "--selector", "s1");

        assertThat(exit).isEqualTo(65);
        assertThat(err.toString()).contains("RSA key of 1024 bits is too weak");
    }

    @Test
    void configWithoutKeysIsAnError() throws Exception {
        Path config = Files.writeString(directory.resolve("sealrelay.yaml"), "hostname: mx.clinic.example\n");
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setErr(new PrintWriter(err))
                .execute("dkim", "record", "--config", config.toString());

        assertThat(exit).isEqualTo(78);
        assertThat(err.toString()).contains("has no dkim.keys entries");
    }
}
