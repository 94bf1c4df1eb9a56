package org.sealrelay.gateway.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files as openssl writes them, and the key records derived from them. */
class DkimKeyFileTest {
    @TempDir
    Path directory;

    @Test
    void ed25519RecordHoldsRawPublicKey() throws Exception {
        Path file = TestKeys.ed25519(directory, "ed.pem");
        TestKeys.openssl(directory, "pkey", "-in", file.toString(), "-pubout", "-outform", "DER", "-out", "ed.pub");
        byte[] spki = Files.readAllBytes(directory.resolve("ed.pub"));
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);

        DkimKey key = TestKeys.key(file, "Clinic.Example", "ed1", DkimService.ALL);

        assertThat(key.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(key.domain()).isEqualTo("clinic.example");
        assertThat(key.recordName()).isEqualTo("ed1._domainkey.clinic.example");
        assertThat(key.recordText()).isEqualTo("v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw));
    }

    @Test
    void rsaRecordHoldsSubjectPublicKeyInfo() throws Exception {
        Path file = TestKeys.rsa(directory, "rsa.pem", 2048);
        TestKeys.openssl(directory, "pkey", "-in", file.toString(), "-pubout", "-outform", "DER", "-out", "rsa.pub");
        byte[] spki = Files.readAllBytes(directory.resolve("rsa.pub"));

        DkimKey key = TestKeys.key(file, "clinic.example", "r1", DkimService.TLSRPT);

        assertThat(key.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(key.recordText()).isEqualTo("v=DKIM1; k=rsa; s=tlsrpt; p=" + Base64.getEncoder().encodeToString(spki));
    }

    @Test
    void traditionalRsaKeyIsRead() throws Exception {
        Path file = directory.resolve("traditional.pem");
        TestKeys.openssl(directory, "genrsa", "-traditional", "-out", file.toString(), "2048");
        assertThat(Files.readString(file)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThat(DkimKeyFile.read(file).algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
    }

    @Test
    void shortRsaKeyIsRejected() throws Exception {
        Path file = TestKeys.rsa(directory, "short.pem", 1024);

        assertThatThrownBy(() -> DkimKeyFile.read(file)).isInstanceOf(DkimKeyException.class)
                .hasMessage(file + ": RSA key of 1024 bits is too weak; expected at least 2048 bits, or an Ed25519"
                        + " key ('openssl genpkey -algorithm ed25519')");
    }

    @Test
    void encryptedKeyIsRejected() throws Exception {
        Path file = directory.resolve("encrypted.pem");
        TestKeys.openssl(directory, "genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret",
                "-out", file.toString());

        assertThatThrownBy(() -> DkimKeyFile.read(file)).isInstanceOf(DkimKeyException.class)
                .hasMessageContaining("the private key is encrypted");
    }

    @Test
    void ecKeyIsRejected() throws Exception {
        Path file = directory.resolve("ec.pem");
        TestKeys.openssl(directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                file.toString());

        assertThatThrownBy(() -> DkimKeyFile.read(file)).isInstanceOf(DkimKeyException.class)
                .hasMessageContaining("unsupported key type")
                .hasMessageContaining("RSA (rsa-sha256) or Ed25519 (ed25519-sha256)");
    }

    @Test
    void fileWithoutKeyIsRejected() throws Exception {
        Path file = Files.writeString(directory.resolve("empty.pem"), "not a key\n");

        assertThatThrownBy(() -> DkimKeyFile.read(file)).isInstanceOf(DkimKeyException.class)
                .hasMessageContaining(file + ": no PEM private key found");
    }

    @Test
    void toStringShowsNoKeyMaterial() throws Exception {
        DkimKey key = TestKeys.key(TestKeys.ed25519(directory, "ed.pem"), "clinic.example", "ed1", DkimService.ALL);

        assertThat(key.toString()).isEqualTo("DkimKey[ed25519-sha256 ed1._domainkey.clinic.example]");
    }
}
