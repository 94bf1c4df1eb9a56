package org.sealrelay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.james.mime4j.dom.BinaryBody;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.ConfigLoader;
import org.sealrelay.gateway.dns.LoopbackDnsServer;
import org.sealrelay.gateway.dns.TestZone;
import org.sealrelay.gateway.testing.NextHopServer;
import org.sealrelay.gateway.testing.TestGateways;
import org.sealrelay.gateway.tlsrpt.FailureDetail;
import org.sealrelay.gateway.tlsrpt.ReportPolicy;
import org.sealrelay.gateway.tlsrpt.ReportRun;
import org.sealrelay.gateway.tlsrpt.ResultType;
import org.sealrelay.gateway.tlsrpt.TlsReportStore;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.TXTRecord;

/**
 * A policy domain publishes a mailto: TLSRPT endpoint. The gateway reports yesterday's counts by
 * queuing a multipart/report message that leaves through its smart host.
 */
class TlsReportMailEndToEndTest {
    @TempDir
    Path directory;

    private NextHopServer nextHop;
    private LoopbackDnsServer dns;
    private Gateway gateway;

    @BeforeEach
    void startPeers() throws Exception {
        nextHop = NextHopServer.withStartTls();
        TestZone zone = new TestZone("test.")
                .add(new TXTRecord(TestZone.name("_smtp._tls.lab.test."), DClass.IN, 300,
                        "v=TLSRPTv1; rua=mailto:tls-reports@lab.test"))
                .add(new ARecord(TestZone.name("quiet.test."), DClass.IN, 300, InetAddress.getLoopbackAddress()));
        dns = new LoopbackDnsServer(zone);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        nextHop.close();
        dns.close();
    }

    @Test
    void mailtoReportIsQueuedAndDelivered() throws Exception {
        Instant yesterday = Instant.now().minus(Duration.ofDays(1));
        LocalDate reportedDay = LocalDate.ofInstant(yesterday, ZoneOffset.UTC);
        TlsReportStore earlier = TlsReportStore.open(directory.resolve("spool"), Clock.fixed(yesterday, ZoneOffset.UTC));
        ReportPolicy sts = ReportPolicy.sts("lab.test",
                List.of("version: STSv1", "mode: enforce", "mx: mx.lab.test", "max_age: 86400"), List.of("mx.lab.test"));
        earlier.success(sts);
        earlier.success(sts);
        earlier.failure(sts, new FailureDetail(ResultType.VALIDATION_FAILURE, "127.0.0.1", "mx.lab.test", "127.0.0.9"));
        earlier.success(ReportPolicy.noPolicyFound("quiet.test"));
        earlier.flush();

        gateway = Gateway.start(ConfigLoader.parse("test.yaml", yaml()));
        ReportRun run = gateway.tlsReports().orElseThrow().sendDue();

        assertThat(run).isEqualTo(new ReportRun(1, 1, 0, 0));
        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.queueManager().size() == 0);
        NextHopServer.Received received = nextHop.received().get(0);
        assertThat(received.from()).as("reverse-path of the report").isEmpty();
        assertThat(received.to()).isEqualTo("tls-reports@lab.test");

        Message message = new DefaultMessageBuilder().parseMessage(new ByteArrayInputStream(received.data()));
        assertThat(field(message, "TLS-Report-Domain")).isEqualTo("lab.test");
        assertThat(field(message, "TLS-Report-Submitter")).isEqualTo("gateway.test");
        assertThat(field(message, "Auto-Submitted")).isEqualTo("auto-generated");
        assertThat(message.getFrom().get(0).getAddress()).isEqualTo("postmaster@gateway.test");
        assertThat(message.getTo().toString()).contains("tls-reports@lab.test");
        String subject = field(message, "Subject");
        assertThat(subject).matches("Report Domain: lab\\.test Submitter: gateway\\.test Report-ID: <[^<>]+>");
        String reportId = subject.substring(subject.indexOf('<') + 1, subject.length() - 1);
        assertThat(message.getMessageId()).isEqualTo("<" + reportId + ">");
        assertThat(message.getMimeType()).isEqualTo("multipart/report");
        ContentTypeField contentType = (ContentTypeField) message.getHeader().getField("Content-Type");
        assertThat(contentType.getParameter("report-type")).isEqualTo("tlsrpt");

        Multipart parts = (Multipart) message.getBody();
        assertThat(parts.getBodyParts()).hasSize(2);
        Entity text = parts.getBodyParts().get(0);
        assertThat(text.getMimeType()).isEqualTo("text/plain");
        assertThat(((TextBody) text.getBody()).getReader().read()).isNotEqualTo(-1);
        Entity report = parts.getBodyParts().get(1);
        assertThat(report.getMimeType()).isEqualTo("application/tlsrpt+gzip");
        long start = reportedDay.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        String fileName = "gateway.test!lab.test!" + start + "!" + (start + 86_399) + ".json.gz";
        assertThat(report.getFilename()).isEqualTo(fileName);
        assertThat(report.getContentTransferEncoding()).isEqualTo("base64");

        JsonNode json;
        try (InputStream gzip = ((BinaryBody) report.getBody()).getInputStream();
                GZIPInputStream in = new GZIPInputStream(gzip)) {
            json = new ObjectMapper().readTree(in.readAllBytes());
        }
        assertThat(json.get("organization-name").asText()).isEqualTo("Clinic Example");
        assertThat(json.get("contact-info").asText()).isEqualTo("mailto:tls-admin@clinic.example");
        assertThat(json.get("report-id").asText()).isEqualTo(reportId);
        assertThat(json.get("date-range").get("start-datetime").asText()).isEqualTo(reportedDay + "T00:00:00Z");
        assertThat(json.get("date-range").get("end-datetime").asText()).isEqualTo(reportedDay + "T23:59:59Z");
        assertThat(json.get("policies")).hasSize(1);
        JsonNode policy = json.get("policies").get(0);
        assertThat(policy.get("policy").get("policy-type").asText()).isEqualTo("sts");
        assertThat(policy.get("policy").get("policy-domain").asText()).isEqualTo("lab.test");
        assertThat(policy.get("summary").get("total-successful-session-count").asLong()).isEqualTo(2);
        assertThat(policy.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(policy.get("failure-details").get(0).get("result-type").asText()).isEqualTo("validation-failure");
        assertThat(policy.get("failure-details").get(0).get("receiving-ip").asText()).isEqualTo("127.0.0.9");

        assertThat(directory.resolve("spool/tlsrpt/" + reportedDay + ".json")).doesNotExist();
    }

    @Test
    void reportingOffKeepsNoStore() throws Exception {
        gateway = Gateway.start(TestGateways.relayingTo(directory, nextHop.port(), "may", ""));

        assertThat(gateway.tlsReports()).isEmpty();
        assertThat(directory.resolve("spool/tlsrpt")).doesNotExist();
    }

    private static String field(Message message, String name) {
        return message.getHeader().getField(name).getBody().replace("\r\n", "");
    }

    private String yaml() {
        String base = TestGateways.yaml(directory, 0, nextHop.port(), "may");
        return base.replace("delivery:\n", """
                delivery:
                  dns-servers: [%s]
                  tls-reporting:
                    enabled: true
                    organization-name: Clinic Example
                    contact-info: mailto:tls-admin@clinic.example
                """.formatted("127.0.0.1:" + dns.port()));
    }
}
