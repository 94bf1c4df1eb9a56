package org.sealrelay.gateway.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.crypto.HeaderSection;

/** Which relayed messages get a signature, decided from the header section. */
class RelayedMailSignerTest {
    @TempDir
    static Path directory;

    private static RelayedMailSigner chooser;

    @BeforeAll
    static void keys() throws Exception {
        Path file = TestKeys.ed25519(directory, "ed.pem");
        DkimSigning signing = new DkimSigning(List.of(
                TestKeys.key(file, "clinic.example", "relay", DkimService.ALL),
                TestKeys.key(file, "lab.example", "reports", DkimService.TLSRPT)),
                Canonicalization.RELAXED, Canonicalization.RELAXED, Duration.ZERO, Clock.systemUTC());
        chooser = new RelayedMailSigner(signing, List.of("clinic.example", "lab.example"));
    }

    @Test
    void listedDomainAndSubdomainAreSigned() throws Exception {
        assertThat(selector("From: Desk <desk@clinic.example>\r\n")).contains("relay");
        assertThat(selector("From: \"a@b.example\" <desk@EAST.Clinic.Example>\r\n")).contains("relay");
    }

    @Test
    void otherDomainIsNotSigned() throws Exception {
        assertThat(selector("From: <desk@otherclinic.example>\r\n")).isEmpty();
    }

    @Test
    void listedDomainWithoutEmailKeyIsNotSigned() throws Exception {
        assertThat(selector("From: <desk@lab.example>\r\n")).isEmpty();
    }

    @Test
    void ambiguousFromIsNotSigned() throws Exception {
        assertThat(selector("From: <a@clinic.example>, <b@clinic.example>\r\n")).isEmpty();
        assertThat(selector("From: <a@clinic.example>\r\nFrom: <b@clinic.example>\r\n")).isEmpty();
        assertThat(selector("Subject: no From\r\n")).isEmpty();
        assertThat(selector("From: not an address\r\n")).isEmpty();
    }

    @Test
    void sameKeySignsOnlyOnce() throws Exception {
        assertThat(selector("DKIM-Signature: v=1; a=ed25519-sha256; d=Clinic.Example;\r\n s=relay; b=x\r\n"
                + "From: <desk@clinic.example>\r\n")).isEmpty();
        assertThat(selector("DKIM-Signature: v=1; a=rsa-sha256; d=clinic.example; s=old; b=x\r\n"
                + "From: <desk@clinic.example>\r\n")).contains("relay");
    }

    private static Optional<String> selector(String header) throws Exception {
        HeaderSection section = HeaderSection.read(
                new ByteArrayInputStream((header + "\r\n").getBytes(StandardCharsets.US_ASCII)), 65536);
        return chooser.signerFor(section).map(signer -> signer.key().selector());
    }
}
