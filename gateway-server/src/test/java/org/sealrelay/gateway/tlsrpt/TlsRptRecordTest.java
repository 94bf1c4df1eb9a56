package org.sealrelay.gateway.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.testing.LogCapture;

class TlsRptRecordTest {
    @Test
    void mailtoAndHttpsAreParsed() {
        List<ReportEndpoint> endpoints = TlsRptRecord.endpoints("example.com",
                List.of("v=spf1 -all", "v=TLSRPTv1; rua=mailto:tls-reports@example.com, https://reports.example.com/v1"));

        assertThat(endpoints).containsExactly(
                new ReportEndpoint(ReportEndpoint.Kind.MAILTO, URI.create("mailto:tls-reports@example.com"),
                        "tls-reports@example.com"),
                new ReportEndpoint(ReportEndpoint.Kind.HTTPS, URI.create("https://reports.example.com/v1"), ""));
    }

    @Test
    void extensionFieldsAreIgnored() {
        List<ReportEndpoint> endpoints = TlsRptRecord.endpoints("example.com",
                List.of("v=TLSRPTv1 ; ext=1 ; rua=mailto:r@example.com?subject=x;"));

        assertThat(endpoints).extracting(ReportEndpoint::mailbox).containsExactly("r@example.com");
    }

    @Test
    void badRuaIsIgnoredAndLogged() {
        try (LogCapture logs = new LogCapture()) {
            List<ReportEndpoint> endpoints = TlsRptRecord.endpoints("example.com",
                    List.of("v=TLSRPTv1; rua=ftp://reports.example.com/,mailto:not-an-address,https:///nohost,"
                            + "https://ok.example.com/r"));

            assertThat(endpoints).extracting(ReportEndpoint::uri)
                    .containsExactly(URI.create("https://ok.example.com/r"));
            assertThat(logs.lines()).contains(
                    "domain=example.com TLSRPT rua URI 'ftp://reports.example.com/' is ignored:"
                            + " expected a mailto: or https: URI",
                    "domain=example.com TLSRPT rua URI 'mailto:not-an-address' is ignored:"
                            + " expected one mail address after mailto:",
                    "domain=example.com TLSRPT rua URI 'https:///nohost' is ignored: expected a host after https://");
        }
    }

    @Test
    void twoRecordsMeanNoPolicy() {
        try (LogCapture logs = new LogCapture()) {
            List<ReportEndpoint> endpoints = TlsRptRecord.endpoints("example.com",
                    List.of("v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com"));

            assertThat(endpoints).isEmpty();
            assertThat(logs.lines()).anyMatch(line -> line.contains("publishes 2 TLSRPT records"));
        }
    }

    @Test
    void otherVersionsDoNotCount() {
        assertThat(TlsRptRecord.endpoints("example.com", List.of("v=TLSRPTv10; rua=mailto:a@example.com")))
                .isEmpty();
        assertThat(TlsRptRecord.endpoints("example.com", List.of("rua=mailto:a@example.com; v=TLSRPTv1")))
                .isEmpty();
    }
}
