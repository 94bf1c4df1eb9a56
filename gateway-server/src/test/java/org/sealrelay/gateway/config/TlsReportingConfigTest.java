package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class TlsReportingConfigTest {
    @Test
    void offByDefault() throws Exception {
        TlsReportingConfig config = ConfigLoader.parse("empty.yaml", "hostname: mail.clinic.example\n").tlsReporting();

        assertThat(config.enabled()).isFalse();
        assertThat(config.submitter()).isEqualTo("mail.clinic.example");
        assertThat(config.fromAddress()).isEqualTo("postmaster@mail.clinic.example");
        assertThat(config.sendTime()).isEqualTo(LocalTime.of(0, 30));
        assertThat(config.sendJitter()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void shippedConfigurationKeepsItOff() throws Exception {
        assertThat(ConfigLoader.load(Path.of("..", "config", "sealrelay.yaml")).tlsReporting().enabled()).isFalse();
    }

    @Test
    void readsEverySetting() throws Exception {
        TlsReportingConfig config = ConfigLoader.parse("r.yaml", """
                delivery:
                  tls-reporting:
                    enabled: true
                    organization-name: Clinic Example
                    contact-info: mailto:tls@clinic.example
                    submitter: clinic.example
                    from-address: tlsrpt@clinic.example
                    send-time: "02:15"
                    send-jitter: 2h
                """).tlsReporting();

        assertThat(config).isEqualTo(new TlsReportingConfig(true, "Clinic Example", "mailto:tls@clinic.example",
                "clinic.example", "tlsrpt@clinic.example", LocalTime.of(2, 15), Duration.ofHours(2)));
    }

    @Test
    void enabledNeedsOrganizationName() {
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml",
                "delivery:\n  tls-reporting:\n    enabled: true\n    contact-info: tls@clinic.example\n"))
                .hasMessage("r.yaml:3:5: delivery.tls-reporting.organization-name: missing: name the organization"
                        + " that sends the reports, as receivers will see it");
    }

    @Test
    void enabledNeedsContactInfo() {
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml",
                "delivery:\n  tls-reporting:\n    enabled: true\n    organization-name: Clinic\n"))
                .hasMessage("r.yaml:3:5: delivery.tls-reporting.contact-info: missing: give an address or URL where"
                        + " receivers can reach you");
    }

    @Test
    void invalidSendTimeNamesFormat() {
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml", "delivery:\n  tls-reporting:\n    send-time: 25:00\n"))
                .hasMessage("r.yaml:3:16: delivery.tls-reporting.send-time: invalid time '25:00': expected HH:MM in"
                        + " UTC, such as 00:30");
    }

    @Test
    void jitterAboveOneDayIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml", "delivery:\n  tls-reporting:\n    send-jitter: 2d\n"))
                .hasMessage("r.yaml:3:18: delivery.tls-reporting.send-jitter: invalid duration '2d': expected at"
                        + " most 23h");
    }

    @Test
    void invalidSubmitterOrFromRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml", "delivery:\n  tls-reporting:\n    submitter: clinic\n"))
                .hasMessage("r.yaml:3:16: delivery.tls-reporting.submitter: invalid domain 'clinic': expected a name"
                        + " such as hospital.example");
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml",
                "delivery:\n  tls-reporting:\n    from-address: nobody\n"))
                .hasMessage("r.yaml:3:19: delivery.tls-reporting.from-address: invalid address 'nobody': expected"
                        + " local-part@domain");
    }

    @Test
    void unknownKeyIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("r.yaml", "delivery:\n  tls-reporting:\n    enable: true\n"))
                .hasMessageStartingWith("r.yaml:3:13: unknown setting delivery.tls-reporting.enable;");
    }
}
