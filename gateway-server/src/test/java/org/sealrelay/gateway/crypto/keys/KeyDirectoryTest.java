package org.sealrelay.gateway.crypto.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.ExternalTool;
import org.sealrelay.gateway.crypto.GpgHome;
import org.sealrelay.gateway.crypto.TestCertificates;

/** Key directory checks with keys made by the real gpg and certificates made by Bouncy Castle. */
class KeyDirectoryTest {
    private static final String JANE = "Jane <jane@lab.example>";
    private static final String JANE_NEW = "Jane New Laptop <jane@lab.example>";
    private static final String EXPIRED = "Old <old@lab.example>";
    private static final String REVOKED = "Gone <gone@lab.example>";
    private static final String SIGN_ONLY = "Signer <signer@lab.example>";

    @TempDir
    static Path keys;
    static GpgHome gpg;
    static TestCertificates pki;
    static Path janeFile;
    static Path janeNewFile;
    static Path expiredFile;
    static Path revokedFile;
    static Path goneBeforeRevocationFile;
    static Path signOnlyFile;
    static String janeFingerprint;
    static String janeNewFingerprint;
    static String revokedFingerprint;

    @TempDir
    Path directory;

    @BeforeAll
    static void generateKeys() throws Exception {
        ExternalTool.requireTool("gpg");
        gpg = new GpgHome(keys.resolve("gnupg"));
        gpg.generateKey(JANE, "future-default", "default", "1y");
        gpg.generateKey(JANE_NEW, "future-default", "default", "1y");
        // Created on 2020-01-01 with gpg's "1y", which is 365 days, so it expired on 2020-12-31
        // (2020 is a leap year).
        gpg.generateKey(EXPIRED, "future-default", "default", "1y", "--faked-system-time", "20200101T000000!");
        gpg.generateKey(REVOKED, "future-default", "default", "1y");
        gpg.generateKey(SIGN_ONLY, "ed25519", "sign", "1y");
        janeFingerprint = gpg.fingerprint(JANE);
        janeNewFingerprint = gpg.fingerprint(JANE_NEW);
        revokedFingerprint = gpg.fingerprint(REVOKED);

        janeFile = write("jane.asc", gpg.exportPublic(JANE));
        janeNewFile = write("jane-new.asc", gpg.exportPublic(JANE_NEW));
        expiredFile = write("old.asc", gpg.exportPublic(EXPIRED));
        signOnlyFile = write("signer.asc", gpg.exportPublic(SIGN_ONLY));
        goneBeforeRevocationFile = write("gone.asc", gpg.exportPublic(REVOKED));
        // gpg writes a revocation certificate for every new key; the leading ':' guards it
        // against accidental import.
        String revocation = Files.readString(gpg.path().resolve("openpgp-revocs.d").resolve(revokedFingerprint + ".rev"));
        Path revocationFile = write("gone.rev", revocation.replace(":-----BEGIN", "-----BEGIN").getBytes(StandardCharsets.US_ASCII));
        gpg.gpg(new byte[0], "--import", revocationFile.toString());
        revokedFile = write("gone-revoked.asc", gpg.exportPublic(REVOKED));
        pki = new TestCertificates();
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (gpg != null) {
            gpg.close();
        }
    }

    @Test
    void importedKeyIsFoundByAddress() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());

        List<ImportedKey> imported = keyDirectory.importFile(janeFile, false);
        RecipientKeys found = keyDirectory.lookup("Jane@Lab.Example");

        assertThat(imported).hasSize(1);
        assertThat(imported.get(0).entry().fingerprint()).isEqualTo(janeFingerprint);
        assertThat(imported.get(0).entry().addresses()).containsExactly("jane@lab.example");
        assertThat(imported.get(0).entry().source()).isEqualTo("file:" + janeFile.toAbsolutePath());
        assertThat(found.openPgp()).isPresent();
        assertThat(found.openPgp().get().check().status()).isEqualTo(KeyStatus.USABLE);
        assertThat(found.openPgpEncryptionKey()).isPresent();
        assertThat(found.openPgpEncryptionKey().get().isMasterKey()).as("encrypts to the cv25519 subkey").isFalse();
        assertThat(found.smime()).isEmpty();
    }

    @Test
    void expiredKeyIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        String fingerprint = gpg.fingerprint(EXPIRED);

        assertThatThrownBy(() -> keyDirectory.importFile(expiredFile, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("openpgp key " + fingerprint + " rejected (EXPIRED): key " + fingerprint + " expired on 2020-12-31T00:00:00Z");
        assertThat(keyDirectory.list()).isEmpty();
    }

    @Test
    void revokedKeyIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());

        assertThatThrownBy(() -> keyDirectory.importFile(revokedFile, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessageStartingWith("openpgp key " + revokedFingerprint + " rejected (REVOKED): key " + revokedFingerprint + " is revoked");
    }

    @Test
    void revocationOfStoredKeyTakesEffect() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        keyDirectory.importFile(goneBeforeRevocationFile, false);
        assertThat(keyDirectory.lookup("gone@lab.example").openPgpEncryptionKey()).isPresent();

        List<ImportedKey> update = keyDirectory.importFile(revokedFile, false);
        RecipientKeys found = keyDirectory.lookup("gone@lab.example");

        assertThat(update.get(0).updated()).isTrue();
        assertThat(update.get(0).check().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(found.openPgp().orElseThrow().check().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(found.openPgpEncryptionKey()).isEmpty();
        assertThat(KeyDirectory.open(directory, Clock.systemUTC()).lookup("gone@lab.example").openPgpEncryptionKey())
                .as("revocation persisted").isEmpty();
    }

    @Test
    void expiredEncryptionSubkeyIsRejected() throws Exception {
        String userId = "Stale Subkey <stale@lab.example>";
        // A primary key without expiry and a cv25519 encryption subkey that expired 30 days
        // after both were made in 2020.
        gpg.generateKey(userId, "ed25519", "sign", "never", "--faked-system-time", "20200101T000000!");
        gpg.gpg(new byte[0], "--faked-system-time", "20200101T000000!",
                "--quick-add-key", gpg.fingerprint(userId), "cv25519", "encr", "30d");
        Path file = write("stale.asc", gpg.exportPublic(userId));
        String fingerprint = gpg.fingerprint(userId);
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());

        assertThatThrownBy(() -> keyDirectory.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessageStartingWith("openpgp key " + fingerprint + " rejected (EXPIRED): key " + fingerprint
                        + " has only expired encryption subkeys (0x")
                .hasMessageEndingWith(" expired on 2020-01-31T00:00:00Z)");
    }

    @Test
    void signOnlyKeyIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        String fingerprint = gpg.fingerprint(SIGN_ONLY);

        assertThatThrownBy(() -> keyDirectory.importFile(signOnlyFile, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("openpgp key " + fingerprint + " rejected (NO_ENCRYPTION_USAGE): key " + fingerprint
                        + " has no key or subkey with an encryption algorithm and encryption key flags");
    }

    @Test
    void differentKeyForPinnedAddressNeedsReplace() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        keyDirectory.importFile(janeFile, false);

        assertThatThrownBy(() -> keyDirectory.importFile(janeNewFile, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("address ***@lab.example is pinned to openpgp key " + janeFingerprint
                        + "; import with --replace to pin it to " + janeNewFingerprint + " instead");
        assertThat(keyDirectory.lookup("jane@lab.example").openPgp().orElseThrow().entry().fingerprint()).isEqualTo(janeFingerprint);

        List<ImportedKey> replaced = keyDirectory.importFile(janeNewFile, true);

        assertThat(replaced.get(0).replacedFingerprints()).containsExactly(janeFingerprint);
        assertThat(keyDirectory.lookup("jane@lab.example").openPgp().orElseThrow().entry().fingerprint()).isEqualTo(janeNewFingerprint);
        assertThat(keyDirectory.list()).extracting(KeyEntry::fingerprint).containsExactly(janeNewFingerprint);
    }

    @Test
    void sameKeyImportedTwiceIsAnUpdate() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        keyDirectory.importFile(janeFile, false);

        List<ImportedKey> again = keyDirectory.importFile(janeFile, false);

        assertThat(again.get(0).updated()).isTrue();
        assertThat(keyDirectory.list()).hasSize(1);
    }

    @Test
    void removeByAddressAndByFingerprint() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        keyDirectory.importFile(janeFile, false);
        keyDirectory.importFile(goneBeforeRevocationFile, false);

        List<KeyEntry> byAddress = keyDirectory.remove("jane@lab.example");
        List<KeyEntry> byFingerprint = keyDirectory.remove(revokedFingerprint.toLowerCase());

        assertThat(byAddress).extracting(KeyEntry::fingerprint).containsExactly(janeFingerprint);
        assertThat(byFingerprint).extracting(KeyEntry::fingerprint).containsExactly(revokedFingerprint);
        assertThat(keyDirectory.lookup("jane@lab.example").openPgp()).isEmpty();
        assertThat(keyDirectory.list()).isEmpty();
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void certificateIsFoundByAddress() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued issued = pki.issue("Jane@Lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-jane.crt"), TestCertificates.pem(issued.certificate()));

        keyDirectory.importFile(file, false);
        RecipientKeys found = keyDirectory.lookup("jane@lab.example");

        assertThat(found.smimeCertificate()).contains(issued.certificate());
        assertThat(found.smime().orElseThrow().check().status()).isEqualTo(KeyStatus.USABLE);
    }

    @Test
    void derCertificateIsAccepted() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued issued = pki.issue("der@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        Path file = directory.resolveSibling(directory.getFileName() + "-der.cer");
        Files.write(file, issued.certificate().getEncoded());

        keyDirectory.importFile(file, false);

        assertThat(keyDirectory.lookup("der@lab.example").smimeCertificate()).contains(issued.certificate());
    }

    @Test
    void expiredCertificateIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        Instant notAfter = Instant.parse("2025-01-01T00:00:00Z");
        TestCertificates.Issued issued = pki.issue("old@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment,
                notAfter.minus(Duration.ofDays(365)), notAfter);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-old.crt"), TestCertificates.pem(issued.certificate()));
        String fingerprint = new X509RecipientKey(issued.certificate()).fingerprint();

        assertThatThrownBy(() -> keyDirectory.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("x509 key " + fingerprint + " rejected (EXPIRED): certificate " + fingerprint.substring(0, 16)
                        + " expired on 2025-01-01T00:00:00Z");
    }

    @Test
    void certificateWithoutKeyEnciphermentIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued issued = pki.issue("sign@lab.example", TestCertificates.rsa(), KeyUsage.digitalSignature);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-sign.crt"), TestCertificates.pem(issued.certificate()));
        String fingerprint = new X509RecipientKey(issued.certificate()).fingerprint();

        assertThatThrownBy(() -> keyDirectory.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("x509 key " + fingerprint + " rejected (NO_ENCRYPTION_USAGE): certificate " + fingerprint.substring(0, 16)
                        + " has an RSA key without the keyEncipherment key usage");
    }

    @Test
    void ecCertificateWithoutKeyAgreementIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued issued = pki.issue("ec@lab.example", TestCertificates.ecP256(), KeyUsage.keyEncipherment);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-ec.crt"), TestCertificates.pem(issued.certificate()));

        assertThatThrownBy(() -> keyDirectory.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessageEndingWith(" has an EC key without the keyAgreement key usage");
    }

    @Test
    void lookupReportsExpiryAfterImport() throws Exception {
        Instant now = Instant.now();
        TestCertificates.Issued issued = pki.issue("soon@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));
        Path file = write(directory.resolveSibling(directory.getFileName() + "-soon.crt"), TestCertificates.pem(issued.certificate()));
        KeyDirectory.open(directory, Clock.fixed(now, ZoneOffset.UTC)).importFile(file, false);

        KeyDirectory later = KeyDirectory.open(directory, Clock.fixed(now.plus(Duration.ofDays(3)), ZoneOffset.UTC));
        RecipientKeys found = later.lookup("soon@lab.example");

        assertThat(found.smime().orElseThrow().check().status()).isEqualTo(KeyStatus.EXPIRED);
        assertThat(found.smimeCertificate()).isEmpty();
    }

    @Test
    void pgpAndCertificateCoexistForOneAddress() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued issued = pki.issue("jane@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-jane2.crt"), TestCertificates.pem(issued.certificate()));

        keyDirectory.importFile(janeFile, false);
        keyDirectory.importFile(file, false);
        RecipientKeys found = KeyDirectory.open(directory, Clock.systemUTC()).lookup("jane@lab.example");

        assertThat(found.openPgpEncryptionKey()).isPresent();
        assertThat(found.smimeCertificate()).contains(issued.certificate());
    }

    @Test
    void twoCertificatesForOneAddressAreRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued first = pki.issue("twice@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        TestCertificates.Issued second = pki.issue("twice@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-twice.pem"),
                TestCertificates.pem(first.certificate()) + TestCertificates.pem(second.certificate()));

        assertThatThrownBy(() -> keyDirectory.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage(file + ": contains more than one x509 key for ***@lab.example; import them one at a time");
        assertThat(keyDirectory.list()).isEmpty();
    }

    @Test
    void lookupsRunDuringImportAndRemove() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        TestCertificates.Issued issued = pki.issue("busy@lab.example", TestCertificates.ecP256(), KeyUsage.keyAgreement);
        Path file = write(directory.resolveSibling(directory.getFileName() + "-busy.pem"), TestCertificates.pem(issued.certificate()));
        ExecutorService readers = Executors.newFixedThreadPool(4);
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            List<Future<Integer>> lookups = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                lookups.add(readers.submit(() -> {
                    int count = 0;
                    while (running.get()) {
                        keyDirectory.lookup("busy@lab.example");
                        count++;
                    }
                    return count;
                }));
            }
            for (int round = 0; round < 20; round++) {
                keyDirectory.importFile(file, false);
                keyDirectory.remove("busy@lab.example");
            }
            keyDirectory.importFile(file, false);
            running.set(false);
            for (Future<Integer> lookup : lookups) {
                assertThat(lookup.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            running.set(false);
            readers.shutdownNow();
        }

        assertThat(keyDirectory.lookup("busy@lab.example").smimeCertificate()).contains(issued.certificate());
    }

    @Test
    void secretKeyFileIsRejected() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        Path file = write("jane-secret.asc", gpg.exportSecret(JANE));

        assertThatThrownBy(() -> keyDirectory.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("the file contains an OpenPGP secret key; export the public key and import that");
    }

    @Test
    void binaryOpenPgpKeyIsAccepted() throws Exception {
        KeyDirectory keyDirectory = KeyDirectory.open(directory, Clock.systemUTC());
        Path file = write("jane.gpg", gpg.gpg(new byte[0], "--export", JANE).stdout());

        keyDirectory.importFile(file, false);

        assertThat(keyDirectory.lookup("jane@lab.example").openPgpEncryptionKey()).isPresent();
    }

    private static Path write(String name, byte[] content) throws Exception {
        Path file = keys.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static Path write(Path file, String content) throws Exception {
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
