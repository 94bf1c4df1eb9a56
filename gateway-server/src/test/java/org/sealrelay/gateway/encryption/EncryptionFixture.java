package org.sealrelay.gateway.encryption;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;

/**
 * Keys for the encrypted delivery tests, generated once per test class: OpenPGP keys with gpg
 * (usable, expired, revoked, an organisation signing key and an escrow key), and a test PKI with
 * RSA certificates. {@link #fillKeyDirectory} imports them the way an administrator would.
 */
final class EncryptionFixture implements AutoCloseable {
    static final String JANE = "jane@lab.example";
    static final String OLD = "old@lab.example";
    static final String GONE = "gone@lab.example";
    static final String CARL = "carl@lab.example";
    static final String WEAK = "weak@lab.example";
    static final String ORG = "Clinic Signing <signing@clinic.example>";
    static final String ESCROW = "Clinic Escrow <escrow@clinic.example>";

    final Path directory;
    final GpgHome gpg;
    final GpgHome escrowGpg;
    final TestCertificates pki;
    final TestCertificates.Issued carl;
    final TestCertificates.Issued weak;
    final TestCertificates.Issued signer;
    final String janeFingerprint;
    final String oldFingerprint;
    final String goneFingerprint;
    final String orgFingerprint;
    final String escrowFingerprint;

    EncryptionFixture(Path directory) throws Exception {
        this.directory = directory;
        gpg = new GpgHome(directory.resolve("gnupg"));
        escrowGpg = new GpgHome(directory.resolve("gnupg-escrow"));
        gpg.generateKey("Jane <" + JANE + ">", "future-default", "default", "1y");
        // Created on 2020-01-01 for 365 days, so it expired on 2020-12-31.
        gpg.generateKey("Old <" + OLD + ">", "future-default", "default", "1y", "--faked-system-time", "20200101T000000!");
        gpg.generateKey("Gone <" + GONE + ">", "future-default", "default", "1y");
        gpg.generateKey(ORG, "ed25519", "sign", "1y");
        escrowGpg.generateKey(ESCROW, "future-default", "default", "1y");
        janeFingerprint = gpg.fingerprint(JANE);
        oldFingerprint = gpg.fingerprint(OLD);
        goneFingerprint = gpg.fingerprint(GONE);
        orgFingerprint = gpg.fingerprint(ORG);
        escrowFingerprint = escrowGpg.fingerprint(ESCROW);
        Files.write(directory.resolve("escrow.asc"), escrowGpg.exportPublic(ESCROW));
        Files.write(directory.resolve("org-secret.asc"), gpg.exportSecret(ORG));
        write("jane.asc", gpg.exportPublic(JANE));
        write("old.asc", gpg.exportPublic(OLD));
        write("gone.asc", gpg.exportPublic(GONE));
        // gpg writes a revocation certificate for every new key; the leading ':' guards it
        // against accidental import.
        String revocation = Files.readString(gpg.path().resolve("openpgp-revocs.d").resolve(goneFingerprint + ".rev"));
        Path revocationFile = write("gone.rev", revocation.replace(":-----BEGIN", "-----BEGIN").getBytes(StandardCharsets.US_ASCII));
        gpg.gpg(new byte[0], "--import", revocationFile.toString());
        write("gone-revoked.asc", gpg.exportPublic(GONE));

        pki = new TestCertificates();
        carl = pki.issue(CARL, TestCertificates.rsa(), KeyUsage.keyEncipherment);
        carl.writePem(directory.resolve("carl.crt"), directory.resolve("carl.key"));
        // Only digitalSignature: an RSA certificate without keyEncipherment must not be encrypted to.
        weak = pki.issue(WEAK, TestCertificates.rsa(), KeyUsage.digitalSignature);
        signer = pki.issue("signing@clinic.example", TestCertificates.rsa(), KeyUsage.digitalSignature);
        signer.writePem(directory.resolve("signer.crt"), directory.resolve("signer.key"));
        Files.writeString(directory.resolve("ca.crt"), TestCertificates.pem(pki.ca().certificate()));
    }

    /**
     * Imports Jane's key and Carl's certificate, the expired key as it was imported while still
     * valid, the revoked key followed by its revocation, and writes the certificate without
     * keyEncipherment straight into the store, because import rejects it.
     */
    void fillKeyDirectory(Path keys) throws Exception {
        KeyDirectory directoryNow = KeyDirectory.open(keys, Clock.systemUTC());
        directoryNow.importFile(directory.resolve("jane.asc"), false);
        directoryNow.importFile(write("carl.pem", TestCertificates.pem(carl.certificate()).getBytes(StandardCharsets.US_ASCII)), false);
        directoryNow.importFile(directory.resolve("gone.asc"), false);
        directoryNow.importFile(directory.resolve("gone-revoked.asc"), false);

        KeyDirectory.open(keys, Clock.fixed(Instant.parse("2020-06-01T00:00:00Z"), ZoneOffset.UTC))
                .importFile(directory.resolve("old.asc"), false);

        String fingerprint = HexFormat.of().withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(weak.certificate().getEncoded()));
        Files.writeString(keys.resolve("x509-" + fingerprint + ".pem"), TestCertificates.pem(weak.certificate()));
        Files.writeString(keys.resolve("x509-" + fingerprint + ".properties"), "kind=x509\nfingerprint=" + fingerprint
                + "\naddresses=" + WEAK + "\nsource=test\nimported=2026-01-01T00:00:00Z\n");
    }

    /** Decrypts the armored OpenPGP message in a relayed copy; fails on a non-zero exit. */
    ExternalTool.Result gpgDecrypt(GpgHome home, byte[] message) throws Exception {
        ExternalTool.Result result = gpgDecryptAllowingFailure(home, message);
        if (result.exitCode() != 0) {
            throw new AssertionError("gpg --decrypt failed with exit code " + result.exitCode() + ": " + result.stderr());
        }
        return result;
    }

    /** Decrypts the armored OpenPGP message in a relayed copy; returns stdout, stderr and exit code. */
    ExternalTool.Result gpgDecryptAllowingFailure(GpgHome home, byte[] message) throws Exception {
        String text = new String(message, StandardCharsets.US_ASCII);
        int start = text.indexOf("-----BEGIN PGP MESSAGE-----");
        String end = "-----END PGP MESSAGE-----";
        if (start < 0) {
            throw new AssertionError("no armored OpenPGP message in the relayed copy");
        }
        Path armored = Files.createTempFile(directory, "copy", ".asc");
        Files.writeString(armored, text.substring(start, text.indexOf(end) + end.length()));
        return home.gpgAllowingFailure(new byte[0], "--status-fd", "2", "--decrypt", armored.toString());
    }

    /** Runs openssl with the given arguments; fails on a non-zero exit. */
    byte[] openssl(String... arguments) throws Exception {
        ExternalTool.Result result = ExternalTool.run(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("openssl"), java.util.Arrays.stream(arguments)).toList(),
                new byte[0], Map.of(), java.time.Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new AssertionError("openssl " + List.of(arguments) + " failed: " + result.stderr());
        }
        return result.stdout();
    }

    Path write(String name, byte[] content) throws Exception {
        Path file = directory.resolve(name);
        Files.write(file, content);
        return file;
    }

    @Override
    public void close() throws Exception {
        gpg.close();
        escrowGpg.close();
    }
}
