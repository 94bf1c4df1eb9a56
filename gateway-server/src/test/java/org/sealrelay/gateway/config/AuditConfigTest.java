package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
}
