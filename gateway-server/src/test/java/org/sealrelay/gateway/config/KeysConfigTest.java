package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeysConfigTest {
    @Test
    void absentSectionUsesDefaults() throws Exception {
        GatewayConfig config = ConfigLoader.parse("c.yaml", "");

        assertThat(config.keys()).isEqualTo(KeysConfig.DEFAULTS);
        assertThat(config.keys().directory()).isEqualTo(Path.of("var/keys"));
        assertThat(config.keys().wkd()).isFalse();
        assertThat(config.keys().dns()).isFalse();
        assertThat(config.keys().harvest()).isFalse();
    }

    @Test
    void readsEveryKeysSetting() throws Exception {
        GatewayConfig config = ConfigLoader.parse("c.yaml", """
                keys:
                  directory: var/keys
                  wkd: true
                  dns: true
                  harvest: true
                  wkd-trust-file: config/wkd-ca.pem
                  wkd-timeout: 5s
                  positive-ttl: 12h
                  negative-ttl: 30m
                  harvest-max-message-size: 1MiB
                """);

        KeysConfig keys = config.keys();
        assertThat(keys.directory()).isEqualTo(Path.of("var/keys"));
        assertThat(keys.wkd()).isTrue();
        assertThat(keys.dns()).isTrue();
        assertThat(keys.harvest()).isTrue();
        assertThat(keys.wkdTrustFile()).isEqualTo(Path.of("config/wkd-ca.pem"));
        assertThat(keys.wkdTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(keys.positiveTtl()).isEqualTo(Duration.ofHours(12));
        assertThat(keys.negativeTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(keys.harvestMaxMessageSize()).isEqualTo(1 << 20);
    }

    @Test
    void zeroTtlIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "keys:\n  directory: k\n  negative-ttl: 0s\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:3:17: keys.negative-ttl: invalid duration PT0S: expected more than zero");
    }
}
