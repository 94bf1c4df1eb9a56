package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AdminConfigTest {
    @Test
    void defaultsToLoopbackPort2526() throws ConfigException {
        AdminConfig admin = ConfigLoader.parse("empty.yaml", "").admin();

        assertThat(admin.address()).isEqualTo(new HostAndPort("127.0.0.1", 2526));
        assertThat(admin.tokenFile()).isEqualTo(Path.of("var/admin.token"));
    }

    @Test
    void readsAddressAndTokenFile() throws ConfigException {
        AdminConfig admin = ConfigLoader.parse("c.yaml", "admin:\n  address: \"[::1]:9000\"\n  token-file: /run/t\n")
                .admin();

        assertThat(admin.address()).isEqualTo(new HostAndPort("::1", 9000));
        assertThat(admin.tokenFile()).isEqualTo(Path.of("/run/t"));
    }

    @Test
    void rejectsAddressOffLoopback() {
        for (String address : new String[] {"0.0.0.0:2526", "192.0.2.1:2526", "localhost:2526"}) {
            assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "admin:\n  address: " + address + "\n"))
                    .as(address)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("expected a loopback IP address such as 127.0.0.1 or [::1]");
        }
    }

    @Test
    void rejectsUnknownAdminKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "admin:\n  tokenfile: x\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tokenfile");
    }
}
