package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.testing.LogCapture;

class CapabilityCacheTest {
    private final CapabilityCache cache = new CapabilityCache();

    @Test
    void unknownDomainIsEmpty() {
        assertThat(cache.lookup("nowhere.example")).isEmpty();
    }

    @Test
    void changeIsLoggedOnce() {
        try (LogCapture logs = new LogCapture()) {
            cache.record(seen("verify", true));
            cache.record(seen("verify", true));
            cache.record(seen("encrypt", false));

            assertThat(logs.lines()).filteredOn(line -> line.contains("capabilities changed")).hasSize(2);
            assertThat(logs.lines()).anyMatch(line -> line.contains(
                    "domain=lab.example nextHop=mx.lab.example[192.0.2.1]:25 capabilities changed: startTls=true"
                            + " protocol=TLSv1.3 cipher=TLS_AES_128_GCM_SHA256 verified=false policy=encrypt"
                            + " (before: verify, verified=true, startTls=true)"));
        }
        assertThat(cache.lookup("Lab.Example").orElseThrow().policy()).isEqualTo("encrypt");
    }

    private static DestinationCapabilities seen(String policy, boolean verified) {
        return new DestinationCapabilities("lab.example", "mx.lab.example[192.0.2.1]:25", true, "TLSv1.3",
                "TLS_AES_128_GCM_SHA256", verified, policy, Instant.now());
    }
}
