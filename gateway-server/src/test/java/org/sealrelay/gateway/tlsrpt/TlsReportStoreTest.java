package org.sealrelay.gateway.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsReportStoreTest {
    private static final Clock DAY_ONE = Clock.fixed(Instant.parse("2026-12-03T10:15:00Z"), ZoneOffset.UTC);
    private static final Clock DAY_TWO = Clock.fixed(Instant.parse("2026-12-04T08:00:00Z"), ZoneOffset.UTC);
    private static final ReportPolicy STS = ReportPolicy.sts("Example.COM.",
            List.of("version: STSv1", "mode: enforce", "mx: mx.example.com", "max_age: 86400"),
            List.of("mx.example.com"));
    private static final FailureDetail EXPIRED = new FailureDetail(ResultType.CERTIFICATE_EXPIRED, "192.0.2.1",
            "mx.example.com", "198.51.100.7");

    @TempDir
    Path spool;

    @Test
    void countsSurviveRestart() throws Exception {
        TlsReportStore first = TlsReportStore.open(spool, DAY_ONE);
        first.success(STS);
        first.success(STS);
        first.failure(STS, EXPIRED);
        first.failure(ReportPolicy.noPolicyFound("other.test"), FailureDetail.of(ResultType.STARTTLS_NOT_SUPPORTED));
        first.flush();

        TlsReportStore second = TlsReportStore.open(spool, DAY_TWO);

        LocalDate day = LocalDate.of(2026, 12, 3);
        assertThat(second.days()).containsExactly(day);
        DomainTally example = second.domain(day, "example.com").orElseThrow();
        assertThat(example.policies()).hasSize(1);
        PolicyTally tally = example.policies().get(0);
        assertThat(tally.policy()).isEqualTo(STS);
        assertThat(tally.policy().domain()).isEqualTo("example.com");
        assertThat(tally.successes()).isEqualTo(2);
        assertThat(tally.failures()).isEqualTo(Map.of(EXPIRED, 1L));
        DomainTally other = second.domain(day, "other.test").orElseThrow();
        assertThat(other.totalFailures()).isEqualTo(1);
        assertThat(other.policies().get(0).policy().type()).isEqualTo(PolicyType.NO_POLICY_FOUND);
    }

    @Test
    void countsAddUpAcrossRestarts() throws Exception {
        TlsReportStore first = TlsReportStore.open(spool, DAY_ONE);
        first.success(STS);
        first.flush();
        TlsReportStore second = TlsReportStore.open(spool, DAY_ONE);
        second.success(STS);
        second.failure(STS, EXPIRED);
        second.flush();

        TlsReportStore third = TlsReportStore.open(spool, DAY_ONE);

        PolicyTally tally = third.domain(LocalDate.of(2026, 12, 3), "example.com").orElseThrow().policies().get(0);
        assertThat(tally.successes()).isEqualTo(2);
        assertThat(tally.totalFailures()).isEqualTo(1);
    }

    @Test
    void unflushedCountsAreLost() throws Exception {
        TlsReportStore first = TlsReportStore.open(spool, DAY_ONE);
        first.success(STS);

        TlsReportStore second = TlsReportStore.open(spool, DAY_ONE);

        assertThat(second.days()).isEmpty();
    }

    @Test
    void removedDomainStaysRemovedAfterRestart() throws Exception {
        TlsReportStore first = TlsReportStore.open(spool, DAY_ONE);
        first.success(STS);
        first.success(ReportPolicy.noPolicyFound("other.test"));
        first.flush();
        first.remove(LocalDate.of(2026, 12, 3), "example.com");
        first.flush();

        TlsReportStore second = TlsReportStore.open(spool, DAY_ONE);

        assertThat(second.domains(LocalDate.of(2026, 12, 3))).extracting(DomainTally::domain)
                .containsExactly("other.test");
        second.remove(LocalDate.of(2026, 12, 3), "other.test");
        second.flush();
        assertThat(spool.resolve("tlsrpt/2026-12-03.json")).doesNotExist();
    }

    @Test
    void storeFileHoldsNoAddresses() throws Exception {
        TlsReportStore store = TlsReportStore.open(spool, DAY_ONE);
        store.failure(STS, EXPIRED);
        store.flush();

        String text = Files.readString(spool.resolve("tlsrpt/2026-12-03.json"), StandardCharsets.UTF_8);

        assertThat(text).contains("\"domain\" : \"example.com\"");
        assertThat(text).contains("\"receiving-mx-hostname\" : \"mx.example.com\"");
        assertThat(text).doesNotContain("@");
    }

    @Test
    void corruptFileIsSetAside() throws Exception {
        Path directory = Files.createDirectories(spool.resolve("tlsrpt"));
        Files.writeString(directory.resolve("2026-12-01.json"), "{not json");

        TlsReportStore store = TlsReportStore.open(spool, DAY_ONE);

        assertThat(store.days()).isEmpty();
        assertThat(directory.resolve("2026-12-01.json.corrupt")).exists();
        assertThat(directory.resolve("2026-12-01.json")).doesNotExist();
    }

    @Test
    void readOnlyStoreChangesNothing() throws Exception {
        Path directory = Files.createDirectories(spool.resolve("tlsrpt"));
        Files.writeString(directory.resolve("2026-12-01.json"), "{not json");

        TlsReportStore store = TlsReportStore.readOnly(spool, DAY_ONE);
        store.success(STS);
        store.flush();

        assertThat(directory.resolve("2026-12-01.json")).exists();
        assertThat(directory.resolve("2026-12-03.json")).doesNotExist();
    }
}
