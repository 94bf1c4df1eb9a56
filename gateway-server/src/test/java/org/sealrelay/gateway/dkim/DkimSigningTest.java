package org.sealrelay.gateway.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which key signs mail from which domain. */
class DkimSigningTest {
    @TempDir
    static Path directory;

    private static DkimSigning signing;

    @BeforeAll
    static void keys() throws Exception {
        Path file = TestKeys.ed25519(directory, "ed.pem");
        signing = new DkimSigning(List.of(
                TestKeys.key(file, "clinic.example", "all", DkimService.ALL),
                TestKeys.key(file, "clinic.example", "reports", DkimService.TLSRPT),
                TestKeys.key(file, "mx.clinic.example", "host", DkimService.EMAIL)),
                Canonicalization.RELAXED, Canonicalization.RELAXED, Duration.ZERO, Clock.systemUTC());
    }

    @Test
    void exactDomainPrefersServiceKey() {
        assertThat(selector("clinic.example", DkimService.TLSRPT)).contains("reports");
        assertThat(selector("clinic.example", DkimService.EMAIL)).contains("all");
    }

    @Test
    void subdomainUsesParentKey() {
        assertThat(selector("lab.clinic.example", DkimService.EMAIL)).contains("all");
        assertThat(selector("CLINIC.example", DkimService.EMAIL)).contains("all");
    }

    @Test
    void longestDomainWins() {
        assertThat(selector("mx.clinic.example", DkimService.EMAIL)).contains("host");
        assertThat(selector("mx.clinic.example", DkimService.TLSRPT)).contains("reports");
    }

    @Test
    void otherDomainHasNoSigner() {
        assertThat(selector("otherclinic.example", DkimService.EMAIL)).isEmpty();
        assertThat(selector("example", DkimService.EMAIL)).isEmpty();
        assertThat(DkimSigning.NONE.signerFor("clinic.example", DkimService.EMAIL)).isEmpty();
    }

    private static Optional<String> selector(String domain, DkimService service) {
        return signing.signerFor(domain, service).map(signer -> signer.key().selector());
    }
}
