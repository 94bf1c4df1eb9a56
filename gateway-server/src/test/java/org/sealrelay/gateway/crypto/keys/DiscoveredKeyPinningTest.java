package org.sealrelay.gateway.crypto.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.testing.LogCapture;

/** Pinning of discovered keys: first key pinned, a later different key kept as a conflict. */
class DiscoveredKeyPinningTest {
    private static final String JANE = "jane@lab.example";
    private static TestCertificates pki;
    private static X509RecipientKey first;
    private static X509RecipientKey second;

    @TempDir
    Path directory;

    @BeforeAll
    static void issueCertificates() throws Exception {
        pki = new TestCertificates();
        first = certificate(JANE);
        second = certificate(JANE);
    }

    @Test
    void firstDiscoveredKeyIsPinned() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());

        RecordedKey recorded = keys.recordDiscovered(new DiscoveredKey(first, "Jane@Lab.Example", KeySource.SMIMEA,
                "hash._smimecert.lab.example."));

        assertThat(recorded.outcome()).isEqualTo(RecordedKey.Outcome.PINNED);
        KeyEntry entry = keys.lookup(JANE).smime().orElseThrow().entry();
        assertThat(entry.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(entry.source()).isEqualTo("smimea:hash._smimecert.lab.example.");
        assertThat(entry.sourceKind()).isEqualTo(KeySource.SMIMEA);
        assertThat(entry.trust()).isEqualTo(KeyTrust.DNSSEC);
        assertThat(keys.lookup(JANE).smimeCertificate()).contains(first.certificate());
    }

    @Test
    void sameKeyAgainIsUnchanged() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());
        keys.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.SMIMEA, "a."));

        RecordedKey again = keys.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.HARVESTED, "queue-1"));

        assertThat(again.outcome()).isEqualTo(RecordedKey.Outcome.UNCHANGED);
        assertThat(keys.list()).hasSize(1);
        assertThat(keys.list().get(0).sourceKind()).as("the first source is kept").isEqualTo(KeySource.SMIMEA);
    }

    @Test
    void differentKeyIsConflictAndNotUsed() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());
        keys.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.HARVESTED, "queue-1"));

        RecordedKey conflict;
        try (LogCapture logs = new LogCapture()) {
            conflict = keys.recordDiscovered(new DiscoveredKey(second, JANE, KeySource.SMIMEA, "b."));

            assertThat(logs.lines()).contains("key conflict for ***@lab.example: pinned x509 key " + first.fingerprint()
                    + " stays in use; smimea found x509 key " + second.fingerprint()
                    + ", which is not used until an administrator runs 'sealrelay keys accept ADDRESS "
                    + second.fingerprint() + "'");
            assertThat(String.join("\n", logs.lines())).doesNotContain(JANE);
        }

        assertThat(conflict.outcome()).isEqualTo(RecordedKey.Outcome.CONFLICT);
        assertThat(conflict.pinnedFingerprint()).contains(first.fingerprint());
        assertThat(keys.lookup(JANE).smimeCertificate()).contains(first.certificate());
        KeyEntry pending = entry(keys, second.fingerprint());
        assertThat(pending.addresses()).isEmpty();
        assertThat(pending.conflicts()).containsExactly(JANE);
        assertThat(entry(KeyDirectory.open(directory, Clock.systemUTC()), second.fingerprint()).conflicts())
                .as("conflict persisted").containsExactly(JANE);
    }

    @Test
    void repeatedConflictIsLoggedOnce() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());
        keys.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.HARVESTED, "queue-1"));
        keys.recordDiscovered(new DiscoveredKey(second, JANE, KeySource.SMIMEA, "b."));

        try (LogCapture logs = new LogCapture()) {
            RecordedKey again = keys.recordDiscovered(new DiscoveredKey(second, JANE, KeySource.SMIMEA, "b."));

            assertThat(again.outcome()).isEqualTo(RecordedKey.Outcome.CONFLICT);
            assertThat(logs.lines()).noneMatch(line -> line.startsWith("key conflict"));
        }
    }

    @Test
    void acceptPinsConflictingKey() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());
        keys.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.HARVESTED, "queue-1"));
        keys.recordDiscovered(new DiscoveredKey(second, JANE, KeySource.SMIMEA, "b."));

        KeyEntry accepted = keys.accept("JANE@lab.example", second.fingerprint().toLowerCase());

        assertThat(accepted.addresses()).containsExactly(JANE);
        assertThat(accepted.conflicts()).isEmpty();
        assertThat(accepted.trust()).isEqualTo(KeyTrust.ADMINISTRATOR);
        assertThat(accepted.sourceKind()).isEqualTo(KeySource.SMIMEA);
        assertThat(keys.lookup(JANE).smimeCertificate()).contains(second.certificate());
        assertThat(keys.list()).extracting(KeyEntry::fingerprint).as("the unpinned key is deleted")
                .containsExactly(second.fingerprint());
    }

    @Test
    void acceptByAnotherProcessIsSeen() throws Exception {
        KeyDirectory daemon = KeyDirectory.open(directory, Clock.systemUTC());
        daemon.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.HARVESTED, "queue-1"));
        daemon.recordDiscovered(new DiscoveredKey(second, JANE, KeySource.SMIMEA, "b."));
        assertThat(daemon.lookup(JANE).smimeCertificate()).contains(first.certificate());

        KeyDirectory.open(directory, Clock.systemUTC()).accept(JANE, second.fingerprint());

        assertThat(daemon.lookup(JANE).smimeCertificate()).contains(second.certificate());
        assertThat(daemon.list()).extracting(KeyEntry::fingerprint).containsExactly(second.fingerprint());
    }

    @Test
    void acceptRejectsUnknownFingerprint() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());

        assertThatThrownBy(() -> keys.accept(JANE, "ABCD"))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessage("no stored key has fingerprint ABCD; run 'sealrelay keys list'");
    }

    @Test
    void keyForOtherAddressIsRejected() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());

        RecordedKey recorded = keys.recordDiscovered(new DiscoveredKey(first, "john@lab.example", KeySource.SMIMEA, "c."));

        assertThat(recorded.outcome()).isEqualTo(RecordedKey.Outcome.REJECTED);
        assertThat(recorded.check().detail()).isEqualTo("x509 key " + first.fingerprint()
                + " does not name the address it was found for");
        assertThat(keys.list()).isEmpty();
    }

    @Test
    void expiredDiscoveredKeyIsNotStored() throws Exception {
        Instant now = Instant.now();
        X509RecipientKey expired = new X509RecipientKey(pki.issue(JANE, TestCertificates.rsa(), KeyUsage.keyEncipherment,
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).certificate());
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());

        RecordedKey recorded = keys.recordDiscovered(new DiscoveredKey(expired, JANE, KeySource.SMIMEA, "d."));

        assertThat(recorded.outcome()).isEqualTo(RecordedKey.Outcome.REJECTED);
        assertThat(recorded.check().status()).isEqualTo(KeyStatus.EXPIRED);
        assertThat(keys.list()).isEmpty();
        assertThat(keys.lookup(JANE).smime()).isEmpty();
    }

    @Test
    void fileImportOfConflictingKeyStillNeedsReplace() throws Exception {
        KeyDirectory keys = KeyDirectory.open(directory, Clock.systemUTC());
        keys.recordDiscovered(new DiscoveredKey(first, JANE, KeySource.HARVESTED, "queue-1"));
        Path file = directory.resolveSibling(directory.getFileName() + "-second.pem");
        java.nio.file.Files.write(file, second.encoded());

        assertThatThrownBy(() -> keys.importFile(file, false))
                .isInstanceOf(KeyDirectoryException.class)
                .hasMessageStartingWith("address ***@lab.example is pinned to x509 key " + first.fingerprint());
        List<ImportedKey> imported = keys.importFile(file, true);

        assertThat(imported.get(0).entry().trust()).isEqualTo(KeyTrust.ADMINISTRATOR);
        assertThat(keys.lookup(JANE).smimeCertificate()).contains(second.certificate());
    }

    private static X509RecipientKey certificate(String address) throws Exception {
        return new X509RecipientKey(pki.issue(address, TestCertificates.rsa(), KeyUsage.keyEncipherment).certificate());
    }

    private static KeyEntry entry(KeyDirectory keys, String fingerprint) {
        return keys.list().stream().filter(entry -> entry.fingerprint().equals(fingerprint)).findFirst().orElseThrow();
    }
}
