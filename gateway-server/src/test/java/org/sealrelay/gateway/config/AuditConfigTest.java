package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuditConfigTest {
    @Test
    void defaultsBesideSpool() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("empty.yaml", "").audit();

        assertThat(audit.file()).isEqualTo(Path.of("var/audit.log"));
        assertThat(audit.keyFile()).isEqualTo(Path.of("var/audit.key"));
    }

    @Test
    void defaultsFollowSpoolPaths() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("c.yaml",
                "spool:\n  directory: /srv/spool/queue\n  key-file: /srv/keys/spool.keys\n").audit();

        assertThat(audit.file()).isEqualTo(Path.of("/srv/spool/audit.log"));
        assertThat(audit.keyFile()).isEqualTo(Path.of("/srv/keys/audit.key"));
    }

    @Test
    void readsFileAndKeyFile() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("c.yaml", "audit:\n  file: /var/log/a.log\n  key-file: /etc/a.key\n")
                .audit();

        assertThat(audit.file()).isEqualTo(Path.of("/var/log/a.log"));
        assertThat(audit.keyFile()).isEqualTo(Path.of("/etc/a.key"));
    }

    @Test
    void rejectsUnknownAuditKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  path: x\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("path");
    }

    @Test
    void rotationIsOffByDefault() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("empty.yaml", "").audit();

        assertThat(audit.rotateSize()).isZero();
        assertThat(audit.rotateInterval()).isEqualTo(Duration.ZERO);
        assertThat(audit.keepRotated()).isZero();
    }

    @Test
    void readsRotationSettings() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("c.yaml",
                "audit:\n  rotate-size: 100MiB\n  rotate-interval: 1d\n  keep-rotated: 30\n").audit();

        assertThat(audit.rotateSize()).isEqualTo(100L << 20);
        assertThat(audit.rotateInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(audit.keepRotated()).isEqualTo(30);
    }

    @Test
    void zeroTurnsRotationOff() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("c.yaml", "audit:\n  rotate-size: 0\n  rotate-interval: 0\n").audit();

        assertThat(audit.rotateSize()).isZero();
        assertThat(audit.rotateInterval()).isEqualTo(Duration.ZERO);
    }

    @Test
    void keepRotatedAllKeepsEveryFile() throws ConfigException {
        AuditConfig audit = ConfigLoader.parse("c.yaml", "audit:\n  rotate-interval: 6h\n  keep-rotated: all\n")
                .audit();

        assertThat(audit.keepRotated()).isZero();
        assertThat(audit.rotateInterval()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void rejectsTinyRotateSize() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  rotate-size: 100\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:2:16: audit.rotate-size: invalid value '100': expected 0 (off) or at least 1MiB,"
                        + " such as 100MiB");
    }

    @Test
    void rejectsRotateSizeWithoutNumber() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  rotate-size: big\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:2:16: audit.rotate-size: invalid size 'big': expected octets, optionally with KiB,"
                        + " MiB or GiB, such as 35MiB");
    }

    @Test
    void rejectsIntervalThatDoesNotDivideDay() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  rotate-interval: 7h\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:2:20: audit.rotate-interval: invalid value '7h': expected a period that divides a"
                        + " day or is whole days, such as 1h, 6h, 1d or 7d, so that files start at the same times each"
                        + " day");
    }

    @Test
    void rejectsIntervalUnderOneMinute() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  rotate-interval: 30s\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:2:20: audit.rotate-interval: invalid value '30s': expected 0 (off) or at least 1m,"
                        + " such as 1d");
    }

    @Test
    void rejectsZeroKeepRotated() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  rotate-size: 10MiB\n  keep-rotated: 0\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:3:17: audit.keep-rotated: invalid value '0': expected all, or a number of rotated"
                        + " files from 1 to 999999 (removing files also removes the lines they hold)");
    }

    @Test
    void rejectsKeepRotatedWithoutRotation() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "audit:\n  keep-rotated: 5\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:2:17: audit.keep-rotated: is set, but rotation is off: set rotate-size or"
                        + " rotate-interval, or remove keep-rotated");
    }
}
