package org.sealrelay.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypts a 50 MB message in a child JVM limited to a 32 MB heap, then decrypts it with gpg
 * and openssl. If either encryptor held the body in memory, the child would fail with
 * OutOfMemoryError.
 */
class LargeMessageStreamingTest {
    private static final long BODY_BYTES = 50L << 20;
    private static final String MAX_HEAP = "-Xmx32m";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path temp;

    @Test
    void pgpEncryptsFiftyMegabytesInSmallHeap() throws Exception {
        ExternalTool.requireTool("gpg");
        try (GpgHome gpg = new GpgHome(temp.resolve("gnupg"))) {
            gpg.generateKey("Jane <jane@lab.example>", "future-default", "default", "1y");
            Path keyFile = temp.resolve("jane.asc");
            Files.write(keyFile, gpg.exportPublic("jane@lab.example"));
            Path encrypted = temp.resolve("large-pgp.eml");

            runChild("pgp", keyFile, encrypted);
            Path armored = temp.resolve("large.asc");
            extractArmor(encrypted, armored);
            Path decrypted = temp.resolve("large-pgp.out");
            gpg.gpg(new byte[0], "--output", decrypted.toString(), "--decrypt", armored.toString());

            assertThat(bodyDigest(decrypted)).isEqualTo(expectedBodyDigest());
        }
    }

    @Test
    void smimeEncryptsFiftyMegabytesInSmallHeap() throws Exception {
        ExternalTool.requireTool("openssl");
        TestCertificates pki = new TestCertificates();
        TestCertificates.Issued jane = pki.issue("jane@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment);
        jane.writePem(temp.resolve("jane.crt"), temp.resolve("jane.key"));
        Path encrypted = temp.resolve("large-smime.eml");

        runChild("smime", temp.resolve("jane.crt"), encrypted);
        Path decrypted = temp.resolve("large-smime.out");
        ExternalTool.Result result = ExternalTool.run(List.of("openssl", "cms", "-decrypt", "-in", encrypted.toString(),
                "-recip", temp.resolve("jane.crt").toString(), "-inkey", temp.resolve("jane.key").toString(),
                "-out", decrypted.toString()), new byte[0], Map.of(), TIMEOUT);

        assertThat(result.exitCode()).as("openssl stderr: %s", result.stderr()).isZero();
        assertThat(bodyDigest(decrypted)).isEqualTo(expectedBodyDigest());
    }

    private void runChild(String kind, Path keyFile, Path output) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ExternalTool.Result result = ExternalTool.run(List.of(java, MAX_HEAP, "-cp", classPath,
                LargeMessageEncryption.class.getName(), kind, keyFile.toString(), Long.toString(BODY_BYTES), output.toString()),
                new byte[0], Map.of(), TIMEOUT);
        assertThat(result.exitCode()).as("child JVM stderr: %s", result.stderr()).isZero();
        assertThat(result.stdoutText()).startsWith("max heap ");
        long maxHeap = Long.parseLong(result.stdoutText().strip().substring("max heap ".length()));
        assertThat(maxHeap).as("child heap limit").isLessThan(BODY_BYTES);
    }

    private static void extractArmor(Path message, Path armored) throws Exception {
        // The generated body compresses well, so the armored block is a few MB.
        String text = Files.readString(message, StandardCharsets.US_ASCII);
        int start = text.indexOf("-----BEGIN PGP MESSAGE-----");
        String end = "-----END PGP MESSAGE-----";
        Files.writeString(armored, text.substring(start, text.indexOf(end) + end.length()));
    }

    /** Hashes everything after the first empty line of a decrypted payload. */
    private static String bodyDigest(Path payload) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(payload))) {
            int matched = 0;
            byte[] separator = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                assertThat(b).as("end of payload before the empty line").isNotNegative();
                matched = b == separator[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String expectedBodyDigest() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(new GeneratedMessage(BODY_BYTES, false), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
