package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void mxIsTheDefaultRoute() {
        assertThat(Transport.parse(" MX ")).isEqualTo(Transport.MX);
    }

    @Test
    void bracketedHostSkipsMx() {
        Transport transport = Transport.parse("smtp:[Relay.Example.NET.]:2525");

        assertThat(transport.kind()).isEqualTo(Transport.Kind.FIXED_HOST);
        assertThat(transport.host()).isEqualTo("relay.example.net");
        assertThat(transport.port()).isEqualTo(2525);
        assertThat(transport).hasToString("smtp:[relay.example.net]:2525");
    }

    @Test
    void bracketedHostDefaultsToPort25() {
        assertThat(Transport.parse("smtp:[192.0.2.7]")).isEqualTo(
                new Transport(Transport.Kind.FIXED_HOST, "192.0.2.7", 25));
        assertThat(Transport.parse("smtp:[2001:db8::7]:26")).isEqualTo(
                new Transport(Transport.Kind.FIXED_HOST, "2001:db8::7", 26));
    }

    @Test
    void bareHostMeansItsMxHosts() {
        assertThat(Transport.parse("smtp:hub.example.net")).isEqualTo(
                new Transport(Transport.Kind.MX_OF_HOST, "hub.example.net", 25));
        assertThat(Transport.parse("smtp:hub.example.net:587")).isEqualTo(
                new Transport(Transport.Kind.MX_OF_HOST, "hub.example.net", 587));
    }

    @Test
    void invalidFormsNameTheValue() {
        assertThatThrownBy(() -> Transport.parse("lmtp:host"))
                .hasMessage("invalid transport 'lmtp:host': expected mx, smtp:host, smtp:host:port,"
                        + " smtp:[host] or smtp:[host]:port");
        assertThatThrownBy(() -> Transport.parse("smtp:"))
                .hasMessageStartingWith("invalid transport 'smtp:'");
        assertThatThrownBy(() -> Transport.parse("smtp:[relay.example.net]:0"))
                .hasMessage("invalid port 0: expected 1 to 65535");
        assertThatThrownBy(() -> Transport.parse("smtp:[relay.example.net]:x"))
                .hasMessage("invalid port in '[relay.example.net]:x': expected a number from 0 to 65535");
    }
}
