package org.sealrelay.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.keys.KeyDirectory;

/** A key imported by another process while the gateway runs is found after the next check. */
class ReloadingKeyDirectoryTest {
    @TempDir
    Path directory;

    @Test
    void importByOtherProcessIsSeen() throws Exception {
        Path keys = directory.resolve("keys");
        MovableClock clock = new MovableClock(Instant.now());
        ReloadingKeyDirectory running = ReloadingKeyDirectory.open(keys, clock);
        assertThat(running.apply("carl@lab.example").smimeCertificate()).isEmpty();

        TestCertificates pki = new TestCertificates();
        Path certificate = directory.resolve("carl.pem");
        Files.writeString(certificate, TestCertificates.pem(
                pki.issue("carl@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment).certificate()));
        KeyDirectory.open(keys, Clock.systemUTC()).importFile(certificate, false);
        // File systems with coarse timestamps could show the same time as before the import.
        Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(running.apply("carl@lab.example").smimeCertificate()).as("before the next check").isEmpty();
        clock.advanceSeconds(2);
        assertThat(running.apply("carl@lab.example").smimeCertificate()).as("after the next check").isPresent();
    }

    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advanceSeconds(long seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
