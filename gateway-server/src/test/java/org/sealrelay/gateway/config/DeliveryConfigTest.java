package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sealrelay.policy.TlsLevel;

class DeliveryConfigTest {
    @Test
    void builderDefaultsMatchFileDefaults() throws Exception {
        // A delivery section with one setting at its default takes the file parser's default path.
        GatewayConfig config = ConfigLoader.parse("d.yaml", "delivery:\n  mta-sts: true\n");

        assertThat(DeliveryConfig.builder(config.hostname()).build()).isEqualTo(config.delivery());
    }

    @Test
    void builderRejectsDaneAsFallback() {
        assertThatThrownBy(() -> DeliveryConfig.builder("relay.test").fallbackTlsLevel(TlsLevel.DANE).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected none, may, encrypt or verify");
    }

    @Test
    void builderRejectsMissingTimeout() {
        assertThatThrownBy(() -> DeliveryConfig.builder("relay.test").connectTimeout(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("connectTimeout");
    }
}
