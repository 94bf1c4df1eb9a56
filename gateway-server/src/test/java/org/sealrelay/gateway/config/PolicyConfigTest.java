package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyConfigTest {
    @Test
    void absentSectionMeansNoRulesFile() throws Exception {
        GatewayConfig config = ConfigLoader.parse("c.yaml", "");

        assertThat(config.policy().file()).isEmpty();
        assertThat(config.policy().maxTextPerPart()).isEqualTo(512 * 1024);
        assertThat(config.policy().maxTextTotal()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.policy().maxDocumentSize()).isEqualTo(10 * 1024 * 1024);
    }

    @Test
    void readsEveryPolicySetting() throws Exception {
        GatewayConfig config = ConfigLoader.parse("c.yaml",
                "policy:\n  file: config/policy.yaml\n  max-text-per-part: 1000\n  max-text-total: 5000\n"
                        + "  max-document-size: 2MiB\n");

        assertThat(config.policy().file()).isEqualTo(Optional.of(Path.of("config/policy.yaml")));
        assertThat(config.policy().maxTextPerPart()).isEqualTo(1000);
        assertThat(config.policy().maxTextTotal()).isEqualTo(5000);
        assertThat(config.policy().maxDocumentSize()).isEqualTo(2 * 1024 * 1024);
    }

    @Test
    void partLimitAboveTotalIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml",
                "policy:\n  max-text-per-part: 9000\n  max-text-total: 5000\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:3:19: policy.max-text-total: invalid text limits: max-text-per-part 9000,"
                        + " max-text-total 5000; expected 1 <= max-text-per-part <= max-text-total");
    }

    @Test
    void unknownPolicyKeyIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "policy:\n  rules: x.yaml\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("c.yaml:2:10: unknown setting policy.rules; check its spelling against config/sealrelay.yaml");
    }
}
