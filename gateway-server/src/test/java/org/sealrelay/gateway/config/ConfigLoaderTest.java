package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.TlsLevel;

class ConfigLoaderTest {
    @Test
    void emptyFileGivesEmbeddedDefaults() throws Exception {
        GatewayConfig config = ConfigLoader.parse("empty.yaml", "");

        assertThat(config.hostname()).isEqualTo("sealrelay.localdomain");
        assertThat(config.postmaster()).isEqualTo("postmaster@sealrelay.localdomain");
        assertThat(config.listeners()).hasSize(1);
        assertThat(config.listeners().get(0).address()).isEqualTo(new HostAndPort("127.0.0.1", 2525));
        assertThat(config.listeners().get(0).maxMessageSize()).isEqualTo(35L << 20);
        assertThat(config.spool().directory()).isEqualTo(Path.of("var/spool"));
        assertThat(config.delivery().defaultTlsLevel()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(config.delivery().smartHost()).isNull();
        assertThat(config.queue().maxLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(config.delivery().connectionReuse()).isEqualTo(ConnectionReuseConfig.DEFAULT);
        assertThat(config.queue().destinationRates()).isEqualTo(DestinationRateLimits.NONE);
    }

    @Test
    void connectionReuseAndRatesAreRead() throws Exception {
        GatewayConfig config = ConfigLoader.parse("r.yaml", """
                delivery:
                  connection-idle-time: 5s
                  connection-max-messages: 20
                queue:
                  destination-rate: 120/m
                  destination-rates:
                    Lab.Example.: 10/s
                    slow.example: 0
                """);

        assertThat(config.delivery().connectionReuse()).isEqualTo(new ConnectionReuseConfig(Duration.ofSeconds(5), 20));
        DestinationRateLimits rates = config.queue().destinationRates();
        assertThat(rates.intervalFor("clinic.example")).isEqualTo(Duration.ofMillis(500));
        assertThat(rates.intervalFor("mx.lab.example")).isEqualTo(Duration.ofMillis(100));
        assertThat(rates.intervalFor("slow.example")).isEqualTo(Duration.ZERO);
    }

    @Test
    void zeroIdleTimeTurnsReuseOff() throws Exception {
        GatewayConfig config = ConfigLoader.parse("r.yaml", "delivery:\n  connection-idle-time: 0s\n");

        assertThat(config.delivery().connectionReuse().enabled()).isFalse();
    }

    @Test
    void invalidReuseAndRateAreRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "delivery:\n  connection-idle-time: 1h\n"))
                .hasMessage("c.yaml:2:25: delivery.connection-idle-time: invalid value 3600 s: expected 0 to 300 s;"
                        + " 0 turns connection reuse off");
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "queue:\n  destination-rates:\n    a.example: often\n"))
                .hasMessageContaining("queue.destination-rates: domain a.example: invalid rate 'often': expected"
                        + " messages per unit such as 10/s, 60/m or 500/h, or 0 for no limit");
    }

    @Test
    void shippedConfigurationLoads() throws Exception {
        Path shipped = Path.of("..", "config", "sealrelay.yaml");
        GatewayConfig config = ConfigLoader.load(shipped);

        assertThat(config.listeners().get(0).address().port()).isEqualTo(2525);
        assertThat(config.listeners().get(0).relayNetworks()).extracting(Cidr::toString)
                .containsExactly("127.0.0.0/8", "::1/128");
        assertThat(config.delivery().tlsLevels()).isEmpty();
        assertThat(config.delivery().trustFile()).isNull();
    }

    @Test
    void readsEverySetting() throws Exception {
        GatewayConfig config = ConfigLoader.parse("full.yaml", """
                hostname: mx.clinic.example
                listeners:
                  - name: inbound
                    address: "[::1]:2626"
                    relay-networks: 10.0.0.0/8
                    tls-mode: implicit
                    proxy-protocol: yes
                    max-connections: 10
                    max-connections-per-client: 3
                    max-errors: 5
                    max-hops: 30
                    max-message-size: 512k
                    max-recipients: 50
                    command-timeout: 2m
                    data-timeout: 90s
                delivery:
                  smart-host: relay.example:587
                  default-tls-level: verify
                  tls-levels:
                    partner.example: may
                  trust-file: /etc/ssl/partner.pem
                  dns-servers: [127.0.0.53]
                queue:
                  initial-retry-delay: 30s
                  max-retry-delay: 2h
                  max-lifetime: 3d
                  max-concurrent-deliveries: 5
                """);

        ListenerConfig listener = config.listeners().get(0);
        assertThat(listener.name()).isEqualTo("inbound");
        assertThat(listener.address()).isEqualTo(new HostAndPort("::1", 2626));
        assertThat(listener.tlsMode()).isEqualTo(ListenerConfig.TlsMode.IMPLICIT);
        assertThat(listener.proxyProtocol()).isTrue();
        assertThat(listener.maxConnections()).isEqualTo(10);
        assertThat(listener.maxConnectionsPerClient()).isEqualTo(3);
        assertThat(listener.maxErrors()).isEqualTo(5);
        assertThat(listener.maxHops()).isEqualTo(30);
        assertThat(listener.maxMessageSize()).isEqualTo(512 * 1024);
        assertThat(listener.dataTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.delivery().smartHost()).isEqualTo(new HostAndPort("relay.example", 587));
        assertThat(config.delivery().defaultTlsLevel()).isEqualTo(TlsLevel.VERIFY);
        assertThat(config.delivery().tlsLevels()).containsEntry("partner.example", TlsLevel.MAY);
        assertThat(config.delivery().dnsServers()).containsExactly(new HostAndPort("127.0.0.53", 53));
        assertThat(config.queue().maxConcurrentDeliveries()).isEqualTo(5);
    }

    @Test
    void transportsAndDaneSettingsAreRead() throws Exception {
        GatewayConfig config = ConfigLoader.parse("t.yaml", """
                delivery:
                  transports:
                    Lab.Example.: "smtp:[relay.lab.example]:2525"
                    partner.example: smtp:hub.partner.example
                    direct.example: mx
                  dnssec-trust-anchor: /etc/sealrelay/root.key
                  dane-exempt: [Broken.Example]
                  mta-sts: false
                  fallback-tls-level: may
                """);

        DeliveryConfig delivery = config.delivery();
        assertThat(delivery.transports()).containsEntry("lab.example",
                new Transport(Transport.Kind.FIXED_HOST, "relay.lab.example", 2525));
        assertThat(delivery.transports()).containsEntry("partner.example",
                new Transport(Transport.Kind.MX_OF_HOST, "hub.partner.example", 25));
        assertThat(delivery.transports()).containsEntry("direct.example", Transport.MX);
        assertThat(delivery.dnssecTrustAnchor()).isEqualTo(java.nio.file.Path.of("/etc/sealrelay/root.key"));
        assertThat(delivery.daneExempt()).containsExactly("broken.example");
        assertThat(delivery.mtaSts()).isFalse();
        assertThat(delivery.fallbackTlsLevel()).isEqualTo(TlsLevel.MAY);
    }

    @Test
    void daneRequiredDomainsAreRead() throws Exception {
        GatewayConfig config = ConfigLoader.parse("t.yaml", """
                delivery:
                  tls-levels:
                    partner.example: dane
                  dane-required: [Lab.Partner.Example.]
                """);

        assertThat(config.delivery().daneRequired()).containsExactly("lab.partner.example");
    }

    @Test
    void daneRequiredNeedsDaneLevel() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "delivery:\n  dane-required: [lab.example]\n"))
                .hasMessageContaining("delivery.dane-required: domain lab.example has TLS level encrypt, but DANE is"
                        + " required only at level dane; set delivery.tls-levels.lab.example to dane");
    }

    @Test
    void fallbackLevelMustBePlain() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "delivery:\n  fallback-tls-level: dane\n"))
                .hasMessage("c.yaml:2:23: delivery.fallback-tls-level: invalid value 'dane': expected none, may,"
                        + " encrypt or verify, because it applies where DANE and MTA-STS do not");
    }

    @Test
    void invalidTransportNamesDomainAndForms() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "delivery:\n  transports:\n    a.example: relay\n"))
                .hasMessageContaining("delivery.transports: domain a.example: invalid transport 'relay': "
                        + "expected mx, smtp:host, smtp:host:port, smtp:[host] or smtp:[host]:port");
    }

    @Test
    void unknownKeyIsRejectedWithPosition() {
        assertThatThrownBy(() -> ConfigLoader.parse("typo.yaml", "delivery:\n  default-tls-levl: verify\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("typo.yaml:2:21: unknown setting delivery.default-tls-levl; "
                        + "check its spelling against config/sealrelay.yaml");
    }

    @Test
    void invalidTlsLevelNamesValueAndChoices() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "delivery:\n  default-tls-level: strict\n"))
                .hasMessage("c.yaml:2:22: delivery.default-tls-level: invalid TLS level 'strict': "
                        + "expected one of none, may, encrypt, verify, dane, mta-sts");
    }

    @Test
    void invalidNetworkIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml",
                "listeners:\n  - address: 127.0.0.1:25\n    relay-networks: [10.1.2.3/8]\n"))
                .hasMessageStartingWith("c.yaml:3:21: listeners[0].relay-networks: invalid network '10.1.2.3/8': host bits are set");
    }

    @Test
    void invalidTlsModeNamesChoices() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "listeners:\n  - tls-mode: always\n"))
                .hasMessage("c.yaml:2:15: listeners[0].tls-mode: invalid value 'always': expected starttls, implicit or none");
    }

    @Test
    void invalidDurationAndSize() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "queue:\n  max-lifetime: forever\n"))
                .hasMessage("c.yaml:2:17: queue.max-lifetime: invalid duration 'forever': "
                        + "expected a number with a unit ms, s, m, h or d, such as 30s or 5m");
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml", "listeners:\n  - max-message-size: 10 TB\n"))
                .hasMessageContaining("invalid size '10 TB'");
    }

    @Test
    void invalidYamlReportsPosition() {
        assertThatThrownBy(() -> ConfigLoader.parse("bad.yaml", "delivery:\n  smart-host: [unclosed\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("bad.yaml:3:1: invalid YAML:");
    }

    @Test
    void missingFileSaysWhatToDo() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/sealrelay.yaml")))
                .hasMessage("/nonexistent/sealrelay.yaml: configuration file not found; "
                        + "pass --config with the path of sealrelay.yaml");
    }

    @Test
    void retryDelaysMustBeOrdered() {
        assertThatThrownBy(() -> ConfigLoader.parse("c.yaml",
                "queue:\n  initial-retry-delay: 2h\n  max-retry-delay: 1h\n"))
                .hasMessageContaining("max retry delay PT1H is shorter than the initial retry delay PT2H");
    }

    @Test
    void dsnSizeAndDnsServersAreRead() throws Exception {
        GatewayConfig defaults = ConfigLoader.parse("empty.yaml", "");
        GatewayConfig shipped = ConfigLoader.load(Path.of("..", "config", "sealrelay.yaml"));
        GatewayConfig config = ConfigLoader.parse("c.yaml", "queue:\n  dsn-max-returned-size: 512KiB\n"
                + "delivery:\n  dns-servers: [127.0.0.1:5353, 192.0.2.53]\n");

        assertThat(defaults.queue().dsnMaxReturnedSize()).isEqualTo(10L << 20);
        assertThat(defaults.delivery().dnsServers()).isEmpty();
        assertThat(shipped.queue().dsnMaxReturnedSize()).isEqualTo(10L << 20);
        assertThat(config.queue().dsnMaxReturnedSize()).isEqualTo(512L << 10);
        assertThat(config.delivery().dnsServers()).containsExactly(new HostAndPort("127.0.0.1", 5353),
                new HostAndPort("192.0.2.53", 53));
    }
}
