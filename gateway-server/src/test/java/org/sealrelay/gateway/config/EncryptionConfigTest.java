package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sealrelay.gateway.crypto.smime.ContentCipher;
import org.sealrelay.gateway.crypto.smime.RsaKeyTransport;
import org.sealrelay.policy.TlsLevel;

class EncryptionConfigTest {
    @TempDir
    Path directory;

    @Test
    void defaultsWithoutSection() throws Exception {
        EncryptionConfig encryption = ConfigLoader.parse("c.yaml", "").encryption();

        assertThat(encryption.relayTlsLevel()).isEqualTo(TlsLevel.MAY);
        assertThat(encryption.subjectPlaceholder()).isEqualTo("[...]");
        assertThat(encryption.escrowKey()).isEmpty();
        assertThat(encryption.pgpSigningKey()).isEmpty();
        assertThat(encryption.smimeSigningKey()).isEmpty();
        assertThat(encryption.contentCipherFor("lab.example")).isEqualTo(ContentCipher.AES256_CBC);
        assertThat(encryption.rsaKeyTransport()).isEqualTo(RsaKeyTransport.OAEP_SHA256);
    }

    @Test
    void keysDirectoryPointsToKeysSection() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "encryption:\n  keys-directory: /srv/keys\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("encryption.keys-directory: the key directory is set by keys.directory; move the value there");
    }

    @Test
    void readsSettingsAndCiphersByDomain() throws Exception {
        EncryptionConfig encryption = ConfigLoader.parse("c.yaml", """
                encryption:
                  relay-tls-level: encrypt
                  subject-placeholder: Encrypted message
                  smime:
                    domain-content-ciphers: {Lab.Example.: aes-256-gcm}
                    rsa-key-transport: rsaes-pkcs1-v1_5
                """).encryption();

        assertThat(encryption.relayTlsLevel()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(encryption.subjectPlaceholder()).isEqualTo("Encrypted message");
        assertThat(encryption.contentCipherFor("lab.example")).isEqualTo(ContentCipher.AES256_GCM);
        assertThat(encryption.contentCipherFor("mail.lab.example")).isEqualTo(ContentCipher.AES256_GCM);
        assertThat(encryption.contentCipherFor("otherlab.example")).isEqualTo(ContentCipher.AES256_CBC);
        assertThat(encryption.rsaKeyTransport()).isEqualTo(RsaKeyTransport.PKCS1_V1_5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            encryption: {smime: {content-cipher: aes-128-cbc}}             | c.yaml:1:38: encryption.smime.content-cipher: invalid value 'aes-128-cbc': expected one of aes-256-cbc, aes-256-gcm
            encryption: {smime: {domain-content-ciphers: {a.example: gcm}}} | c.yaml:1:46: encryption.smime.domain-content-ciphers: invalid value 'gcm': expected one of aes-256-cbc, aes-256-gcm
            encryption: {smime: {rsa-key-transport: oaep}}                 | c.yaml:1:41: encryption.smime.rsa-key-transport: invalid value 'oaep': expected one of rsaes-oaep, rsaes-pkcs1-v1_5
            encryption: {smime: {signing-key: /x/org.key}}                 | c.yaml:1:35: encryption.smime.signing-key: missing signing-certificate: set signing-certificate and signing-key together
            encryption: {openpgp: {signing-key-passphrase-file: /x/pass}}  | c.yaml:1:53: encryption.openpgp.signing-key-passphrase-file: set only together with signing-key
            encryption: {openpgp: {escrow: /x/escrow.asc}}                 | c.yaml:1:32: unknown setting encryption.openpgp.escrow; check its spelling against config/sealrelay.yaml
            encryption: {subject-placeholder: "Bericht f\\u00fcr"}         | c.yaml:1:35: encryption.subject-placeholder: invalid value 'Bericht f\u00fcr': subject placeholder must be printable US-ASCII; got character 0xFC at index 9
            """)
    void rejectsInvalidSettingWithPosition(String yaml, String expected) {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expected);
    }

    @Test
    void missingEscrowKeyFileNamesTheSetting() {
        Path missing = directory.resolve("escrow.asc");

        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "encryption:\n  openpgp:\n    escrow-key: " + missing + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:3:17: encryption.openpgp.escrow-key: cannot read " + missing + ": " + missing);
    }

    @Test
    void escrowKeyFileMustBeOpenPgp() throws Exception {
        Path file = directory.resolve("escrow.asc");
        Files.writeString(file, "not a key\n");

        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "encryption:\n  openpgp:\n    escrow-key: " + file + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:3:17: encryption.openpgp.escrow-key: " + file + ": unrecognized key file: expected an"
                        + " OpenPGP public key (armored or binary) or an X.509 certificate (PEM or DER)");
    }
}
