package org.sealrelay.gateway.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class AggregateReportTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    private static final ReportPolicy STS = ReportPolicy.sts("example.com",
            List.of("version: STSv1", "mode: enforce", "mx: *.mail.example.com", "max_age: 86400"),
            List.of("*.mail.example.com"));
    private static final ReportPolicy TLSA = ReportPolicy.tlsa("example.com", List.of("3 1 1 ABCDEF"));

    static DomainTally sampleTally() {
        Map<FailureDetail, Long> stsFailures = new LinkedHashMap<>();
        stsFailures.put(new FailureDetail(ResultType.CERTIFICATE_HOST_MISMATCH, "192.0.2.1", "mx1.mail.example.com",
                "198.51.100.7"), 3L);
        stsFailures.put(FailureDetail.of(ResultType.STS_POLICY_FETCH_ERROR), 1L);
        return new DomainTally(DAY, "example.com", List.of(
                new PolicyTally(STS, 40, stsFailures),
                new PolicyTally(TLSA, 5, Map.of()),
                new PolicyTally(ReportPolicy.noPolicyFound("example.com"), 2, Map.of())));
    }

    @Test
    void jsonHasEveryRfc8460Field() throws Exception {
        byte[] json = AggregateReport.json(sampleTally(), "Clinic Example", "mailto:tls@clinic.example",
                "20261203.abc@gateway.test");

        JsonNode root = new ObjectMapper().readTree(json);

        assertThat(fieldNames(root)).containsExactly("organization-name", "date-range", "contact-info", "report-id",
                "policies");
        assertThat(root.get("organization-name").asText()).isEqualTo("Clinic Example");
        assertThat(root.get("date-range").get("start-datetime").asText()).isEqualTo("2026-12-03T00:00:00Z");
        assertThat(root.get("date-range").get("end-datetime").asText()).isEqualTo("2026-12-03T23:59:59Z");
        assertThat(root.get("contact-info").asText()).isEqualTo("mailto:tls@clinic.example");
        assertThat(root.get("report-id").asText()).isEqualTo("20261203.abc@gateway.test");
        assertThat(root.get("policies")).hasSize(3);

        JsonNode sts = root.get("policies").get(0);
        assertThat(fieldNames(sts)).containsExactly("policy", "summary", "failure-details");
        assertThat(sts.get("policy").get("policy-type").asText()).isEqualTo("sts");
        assertThat(texts(sts.get("policy").get("policy-string"))).containsExactly("version: STSv1", "mode: enforce",
                "mx: *.mail.example.com", "max_age: 86400");
        assertThat(sts.get("policy").get("policy-domain").asText()).isEqualTo("example.com");
        assertThat(texts(sts.get("policy").get("mx-host"))).containsExactly("*.mail.example.com");
        assertThat(sts.get("summary").get("total-successful-session-count").asLong()).isEqualTo(40);
        assertThat(sts.get("summary").get("total-failure-session-count").asLong()).isEqualTo(4);
        JsonNode mismatch = sts.get("failure-details").get(0);
        assertThat(fieldNames(mismatch)).containsExactly("result-type", "sending-mta-ip", "receiving-mx-hostname",
                "receiving-ip", "failed-session-count");
        assertThat(mismatch.get("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(mismatch.get("sending-mta-ip").asText()).isEqualTo("192.0.2.1");
        assertThat(mismatch.get("receiving-mx-hostname").asText()).isEqualTo("mx1.mail.example.com");
        assertThat(mismatch.get("receiving-ip").asText()).isEqualTo("198.51.100.7");
        assertThat(mismatch.get("failed-session-count").asLong()).isEqualTo(3);
        JsonNode fetchError = sts.get("failure-details").get(1);
        assertThat(fieldNames(fetchError)).containsExactly("result-type", "failed-session-count");
        assertThat(fetchError.get("result-type").asText()).isEqualTo("sts-policy-fetch-error");

        JsonNode tlsa = root.get("policies").get(1);
        assertThat(tlsa.get("policy").get("policy-type").asText()).isEqualTo("tlsa");
        assertThat(texts(tlsa.get("policy").get("policy-string"))).containsExactly("3 1 1 ABCDEF");
        assertThat(tlsa.get("policy").has("mx-host")).isFalse();
        assertThat(tlsa.get("failure-details")).isEmpty();

        JsonNode none = root.get("policies").get(2);
        assertThat(fieldNames(none.get("policy"))).containsExactly("policy-type", "policy-domain");
        assertThat(none.get("policy").get("policy-type").asText()).isEqualTo("no-policy-found");
        assertThat(none.get("summary").get("total-successful-session-count").asLong()).isEqualTo(2);
        assertThat(none.get("summary").get("total-failure-session-count").asLong()).isZero();
    }

    @Test
    void gzipRoundTrips() throws Exception {
        byte[] json = AggregateReport.json(sampleTally(), "Clinic Example", "tls@clinic.example", "id@gateway.test");

        byte[] gzip = AggregateReport.gzip(json);

        assertThat(gzip[0]).isEqualTo((byte) 0x1f);
        assertThat(gzip[1]).isEqualTo((byte) 0x8b);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            assertThat(in.readAllBytes()).isEqualTo(json);
        }
    }

    @Test
    void fileNameFollowsSection51() {
        assertThat(AggregateReport.fileName("gateway.test", sampleTally()))
                .isEqualTo("gateway.test!example.com!1796256000!1796342399.json.gz");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.asText()));
        return values;
    }
}
