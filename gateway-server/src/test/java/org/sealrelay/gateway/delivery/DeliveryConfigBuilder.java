package org.sealrelay.gateway.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sealrelay.gateway.config.ConnectionReuseConfig;
import org.sealrelay.gateway.config.DeliveryConfig;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;
import org.sealrelay.policy.TlsLevel;

/**
 * Builds a {@link DeliveryConfig} for tests. The defaults are those of the short
 * {@code DeliveryConfig} constructor with the values tests use: EHLO name {@code relay.test},
 * no smart host, level {@code may}, timeouts of 5 s (connect), 10 s (command) and 10 s (data),
 * system DNS, MTA-STS on, fallback {@code encrypt} and no connection reuse.
 */
final class DeliveryConfigBuilder {
    private HostAndPort smartHost;
    private TlsLevel defaultTlsLevel = TlsLevel.MAY;
    private Path trustFile;
    private Duration commandTimeout = Duration.ofSeconds(10);
    private Duration dataTimeout = Duration.ofSeconds(10);
    private final List<HostAndPort> dnsServers = new ArrayList<>();
    private Map<String, Transport> transports = Map.of();
    private Path dnssecTrustAnchor;
    private Set<String> daneExempt = Set.of();
    private boolean mtaSts = true;
    private ConnectionReuseConfig connectionReuse = ConnectionReuseConfig.DISABLED;

    private DeliveryConfigBuilder() {
    }

    /** Starts a builder with the defaults described on the class. */
    static DeliveryConfigBuilder deliveryConfig() {
        return new DeliveryConfigBuilder();
    }

    /** Relays every message to {@code host:port} instead of looking up MX records. */
    DeliveryConfigBuilder smartHost(String host, int port) {
        return smartHost(new HostAndPort(host, port));
    }

    /** Relays every message to {@code smartHost}; null looks up MX records. */
    DeliveryConfigBuilder smartHost(HostAndPort smartHost) {
        this.smartHost = smartHost;
        return this;
    }

    DeliveryConfigBuilder defaultTlsLevel(TlsLevel level) {
        this.defaultTlsLevel = level;
        return this;
    }

    /** Sets the PEM file of CA certificates trusted at {@code verify}; null trusts the JDK's only. */
    DeliveryConfigBuilder trustFile(Path trustFile) {
        this.trustFile = trustFile;
        return this;
    }

    DeliveryConfigBuilder commandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
        return this;
    }

    DeliveryConfigBuilder dataTimeout(Duration dataTimeout) {
        this.dataTimeout = dataTimeout;
        return this;
    }

    /** Adds a resolver on 127.0.0.1 at {@code port}, such as a {@code LoopbackDnsServer}. */
    DeliveryConfigBuilder loopbackDnsServer(int port) {
        dnsServers.add(new HostAndPort("127.0.0.1", port));
        return this;
    }

    DeliveryConfigBuilder transports(Map<String, Transport> transports) {
        this.transports = transports;
        return this;
    }

    /** Sets the DNSSEC trust anchor file; null leaves every answer insecure. */
    DeliveryConfigBuilder dnssecTrustAnchor(Path trustAnchor) {
        this.dnssecTrustAnchor = trustAnchor;
        return this;
    }

    DeliveryConfigBuilder daneExempt(Set<String> domains) {
        this.daneExempt = domains;
        return this;
    }

    DeliveryConfigBuilder mtaSts(boolean enabled) {
        this.mtaSts = enabled;
        return this;
    }

    DeliveryConfigBuilder connectionReuse(ConnectionReuseConfig reuse) {
        this.connectionReuse = reuse;
        return this;
    }

    DeliveryConfig build() {
        return DeliveryConfig.builder("relay.test")
                .smartHost(smartHost)
                .defaultTlsLevel(defaultTlsLevel)
                .trustFile(trustFile)
                .connectTimeout(Duration.ofSeconds(5))
                .commandTimeout(commandTimeout)
                .dataTimeout(dataTimeout)
                .dnsServers(dnsServers)
                .transports(transports)
                .dnssecTrustAnchor(dnssecTrustAnchor)
                .daneExempt(daneExempt)
                .mtaSts(mtaSts)
                .fallbackTlsLevel(TlsLevel.ENCRYPT)
                .connectionReuse(connectionReuse)
                .build();
    }
}
