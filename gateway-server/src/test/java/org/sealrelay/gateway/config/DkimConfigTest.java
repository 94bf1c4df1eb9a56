package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.dkim.Canonicalization;
import org.sealrelay.gateway.dkim.DkimAlgorithm;
import org.sealrelay.gateway.dkim.DkimService;
import org.sealrelay.gateway.dkim.TestKeys;

/** The dkim section: keys loaded at start, and errors that name the setting, the value and the fix. */
class DkimConfigTest {
    @TempDir
    static Path directory;

    private static Path ed25519;
    private static Path rsa;

    @BeforeAll
    static void keys() throws Exception {
        ed25519 = TestKeys.ed25519(directory, "ed.pem");
        rsa = TestKeys.rsa(directory, "rsa.pem", 2048);
    }

    @Test
    void absentSectionSignsNothing() throws Exception {
        DkimConfig dkim = ConfigLoader.parse("empty.yaml", "hostname: mx.clinic.example\n").dkim();

        assertThat(dkim.keys()).isEmpty();
        assertThat(dkim.headerCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(dkim.bodyCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(dkim.signatureLifetime()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shippedConfigurationHasNoKeys() throws Exception {
        DkimConfig dkim = ConfigLoader.load(Path.of("..", "config", "sealrelay.yaml")).dkim();

        assertThat(dkim).isEqualTo(DkimConfig.NONE);
    }

    @Test
    void readsKeysAndOptions() throws Exception {
        DkimConfig dkim = ConfigLoader.parse("d.yaml", """
                dkim:
                  canonicalization: simple/relaxed
                  signature-lifetime: 7d
                  keys:
                    - domain: Clinic.Example
                      selector: ed2026
                      private-key: %s
                    - domain: clinic.example
                      selector: reports
                      private-key: %s
                      service: tlsrpt
                """.formatted(ed25519, rsa)).dkim();

        assertThat(dkim.headerCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
        assertThat(dkim.bodyCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(dkim.signatureLifetime()).isEqualTo(Duration.ofDays(7));
        assertThat(dkim.keys()).hasSize(2);
        assertThat(dkim.keys().get(0).recordName()).isEqualTo("ed2026._domainkey.clinic.example");
        assertThat(dkim.keys().get(0).algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(dkim.keys().get(0).service()).isEqualTo(DkimService.ALL);
        assertThat(dkim.keys().get(1).algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(dkim.keys().get(1).service()).isEqualTo(DkimService.TLSRPT);
    }

    @Test
    void singleCanonicalizationMeansSimpleBody() throws Exception {
        DkimConfig dkim = ConfigLoader.parse("d.yaml", "dkim:\n  canonicalization: relaxed\n").dkim();

        assertThat(dkim.headerCanonicalization()).isEqualTo(Canonicalization.RELAXED);
        assertThat(dkim.bodyCanonicalization()).isEqualTo(Canonicalization.SIMPLE);
    }

    @Test
    void keyWithoutFileIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic.example\n      selector: s1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("d.yaml:3:7: dkim.keys[0].private-key: missing for domain clinic.example: set the PEM"
                        + " private key file; generate one with 'openssl genpkey -algorithm ed25519 -out FILE'");
    }

    @Test
    void missingFileIsRejected() {
        Path missing = directory.resolve("missing.pem");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic.example\n      selector: s1\n      private-key: " + missing + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("d.yaml:5:20: dkim.keys[0].private-key: file not found: " + missing
                        + "; check the path, or generate one with 'openssl genpkey -algorithm ed25519 -out FILE'");
    }

    @Test
    void weakRsaKeyIsRejected() throws Exception {
        Path weak = TestKeys.rsa(directory, "weak.pem", 1024);
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic.example\n      selector: s1\n      private-key: " + weak + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("d.yaml:5:20: dkim.keys[0].private-key: " + weak
                        + ": RSA key of 1024 bits is too weak; expected at least 2048 bits");
    }

    @Test
    void notAKeyIsRejected() throws Exception {
        Path text = Files.writeString(directory.resolve("cert.txt"), "hello\n");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic.example\n      selector: s1\n      private-key: " + text + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dkim.keys[0].private-key: " + text + ": no PEM private key found");
    }

    @Test
    void invalidDomainSelectorAndServiceAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic\n      selector: s1\n      private-key: " + ed25519 + "\n"))
                .hasMessage("d.yaml:3:15: dkim.keys[0].domain: invalid domain 'clinic': expected a name such as"
                        + " clinic.example");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic.example\n      private-key: " + ed25519 + "\n"))
                .hasMessageContaining("dkim.keys[0].selector: missing: name the selector of the key record (s=)");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml",
                "dkim:\n  keys:\n    - domain: clinic.example\n      selector: s_1\n      private-key: " + ed25519 + "\n"))
                .hasMessageContaining("dkim.keys[0].selector: invalid selector 's_1'");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  keys:\n    - domain: clinic.example\n"
                + "      selector: s1\n      service: web\n      private-key: " + ed25519 + "\n"))
                .hasMessage("d.yaml:5:16: dkim.keys[0].service: invalid value 'web': expected all, email or tlsrpt");
    }

    @Test
    void duplicateSelectorIsRejected() {
        String entry = "    - domain: clinic.example\n      selector: s1\n      private-key: " + ed25519 + "\n";
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  keys:\n" + entry + entry))
                .hasMessage("d.yaml:7:17: dkim.keys[1].selector: duplicate key s1._domainkey.clinic.example: each"
                        + " domain and selector pair names one key record");
    }

    @Test
    void signRelayedNeedsCoveringKey() throws Exception {
        String key = "  keys:\n    - domain: clinic.example\n      selector: s1\n      private-key: " + ed25519 + "\n";
        DkimConfig dkim = ConfigLoader.parse("d.yaml", "dkim:\n  sign-relayed: [East.Clinic.Example]\n" + key).dkim();

        assertThat(dkim.signRelayed()).containsExactly("east.clinic.example");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  sign-relayed: [lab.example]\n" + key))
                .hasMessage("d.yaml:2:17: dkim.sign-relayed: no key for lab.example: add a dkim.keys entry with"
                        + " domain lab.example or a parent domain and service all or email");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  sign-relayed: [clinic]\n" + key))
                .hasMessageContaining("dkim.sign-relayed: invalid domain 'clinic'");
        String reportsOnly = key + "      service: tlsrpt\n";
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  sign-relayed: [clinic.example]\n"
                + reportsOnly)).hasMessageContaining("dkim.sign-relayed: no key for clinic.example");
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  canonicalization: relaxed/loose\n"))
                .hasMessage("d.yaml:2:21: dkim.canonicalization: invalid value 'relaxed/loose': expected"
                        + " relaxed/relaxed, relaxed/simple, simple/relaxed or simple/simple");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  signature-lifetime: 10m\n"))
                .hasMessageContaining("dkim.signature-lifetime: invalid duration PT10M: expected at least 1h");
        assertThatThrownBy(() -> ConfigLoader.parse("d.yaml", "dkim:\n  key: []\n"))
                .hasMessageContaining("unknown setting dkim.key;");
    }
}
