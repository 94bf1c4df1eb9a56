package org.sealrelay.gateway.testing;

import java.time.Duration;
import org.sealrelay.gateway.config.ConnectionReuseConfig;
import org.sealrelay.gateway.config.DeliveryConfig;

/** Delivery settings for tests that run the SMTP client against a next hop on this machine. */
public final class TestDeliveryConfigs {
    private TestDeliveryConfigs() {
    }

    /**
     * Returns a builder with EHLO name {@code relay.test}, a 5 s connect timeout, 10 s command and
     * data timeouts so a stuck test fails fast, and connection reuse off so each message opens
     * its own session. The other settings keep the builder's defaults.
     */
    public static DeliveryConfig.Builder builder() {
        return DeliveryConfig.builder("relay.test")
                .connectTimeout(Duration.ofSeconds(5))
                .commandTimeout(Duration.ofSeconds(10))
                .dataTimeout(Duration.ofSeconds(10))
                .connectionReuse(ConnectionReuseConfig.DISABLED);
    }
}
