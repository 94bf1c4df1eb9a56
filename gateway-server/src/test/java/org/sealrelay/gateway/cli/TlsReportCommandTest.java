package org.sealrelay.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.ReportPolicy;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import picocli.CommandLine;

class TlsReportCommandTest {
    @TempDir
    Path directory;

    private Path config;
    private LocalDate today;

    @BeforeEach
    void writeCounts() throws Exception {
        Path spool = directory.resolve("spool");
        config = directory.resolve("sealrelay.yaml");
        Files.writeString(config, "spool:\n  directory: " + spool + "\n  key-file: " + directory.resolve("keys") + "\n");
        TlsReportStore store = TlsReportStore.open(spool, Clock.systemUTC());
        today = store.today();
        ReportPolicy sts = ReportPolicy.sts("lab.example", List.of("version: STSv1", "mode: testing",
                "mx: mx.lab.example", "max_age: 600"), List.of("mx.lab.example"));
        store.success(sts);
        store.success(sts);
        store.failure(sts, new FailureDetail(ResultType.VALIDATION_FAILURE, "192.0.2.1", "mx.lab.example",
                "198.51.100.4"));
        store.success(ReportPolicy.noPolicyFound("clinic.example"));
        store.flush();
    }

    @Test
    void showPrintsTodayPerDomain() {
        StringWriter out = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setOut(new PrintWriter(out))
                .execute("tls-report", "show", "--config", config.toString());

        assertThat(exit).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("POLICY DOMAIN").contains("POLICY TYPE", "SUCCESSFUL", "FAILED");
        assertThat(lines.get(1)).matches("clinic\\.example\\s+no-policy-found\\s+1\\s+0");
        assertThat(lines.get(2)).matches("lab\\.example\\s+sts\\s+2\\s+1");
        assertThat(lines.get(3)).matches("\\s+validation-failure\\s+mx=mx\\.lab\\.example ip=198\\.51\\.100\\.4\\s+1");
        assertThat(lines.get(4)).isEqualTo("-- 2 policy domain(s) on " + today + " (UTC)");
    }

    @Test
    void showJsonListsPoliciesAndFailures() throws Exception {
        StringWriter out = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setOut(new PrintWriter(out))
                .execute("tls-report", "show", "--json", "--config", config.toString());

        assertThat(exit).isZero();
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("day").asText()).isEqualTo(today.toString());
        assertThat(root.get("domains")).hasSize(2);
        JsonNode lab = root.get("domains").get(1);
        assertThat(lab.get("policy-domain").asText()).isEqualTo("lab.example");
        JsonNode policy = lab.get("policies").get(0);
        assertThat(policy.get("policy-type").asText()).isEqualTo("sts");
        assertThat(policy.get("mx-host").get(0).asText()).isEqualTo("mx.lab.example");
        assertThat(policy.get("total-successful-session-count").asLong()).isEqualTo(2);
        assertThat(policy.get("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(policy.get("failure-details").get(0).get("result-type").asText()).isEqualTo("validation-failure");
        assertThat(policy.get("failure-details").get(0).get("receiving-ip").asText()).isEqualTo("198.51.100.4");
    }

    @Test
    void otherDayIsEmpty() {
        StringWriter out = new StringWriter();
        String yesterday = today.minusDays(1).toString();

        int exit = new CommandLine(new SealRelayCommand()).setOut(new PrintWriter(out))
                .execute("tls-report", "show", "--day", yesterday, "--config", config.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).endsWith("-- 0 policy domain(s) on " + yesterday + " (UTC)" + System.lineSeparator());
    }

    @Test
    void invalidDayExits64() {
        StringWriter err = new StringWriter();

        int exit = new CommandLine(new SealRelayCommand()).setErr(new PrintWriter(err))
                .execute("tls-report", "show", "--day", "yesterday", "--config", config.toString());

        assertThat(exit).isEqualTo(64);
        assertThat(err.toString()).contains("sealrelay: invalid --day 'yesterday': expected YYYY-MM-DD");
    }
}
