package org.sealrelay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void matchesInsideNetwork() throws Exception {
        Cidr network = Cidr.parse("192.168.16.0/20");

        assertThat(network.contains(InetAddress.getByName("192.168.16.1"))).isTrue();
        assertThat(network.contains(InetAddress.getByName("192.168.31.255"))).isTrue();
        assertThat(network.contains(InetAddress.getByName("192.168.32.0"))).isFalse();
        assertThat(network.contains(InetAddress.getByName("::1"))).isFalse();
    }

    @Test
    void matchesIpv4MappedAddress() throws Exception {
        assertThat(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByName("::ffff:127.0.0.1"))).isTrue();
    }

    @Test
    void matchesIpv6() throws Exception {
        Cidr network = Cidr.parse("2001:db8::/32");

        assertThat(network.contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(network.contains(InetAddress.getByName("2001:db9::1"))).isFalse();
    }

    @Test
    void bareAddressIsSingleHost() throws Exception {
        Cidr host = Cidr.parse("10.0.0.7");

        assertThat(host.contains(InetAddress.getByName("10.0.0.7"))).isTrue();
        assertThat(host.contains(InetAddress.getByName("10.0.0.8"))).isFalse();
    }

    @Test
    void rejectsHostNamesAndBadPrefixes() {
        assertThatThrownBy(() -> Cidr.parse("mail.example.org"))
                .hasMessage("invalid network 'mail.example.org': expected an IP address with an optional /prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33"))
                .hasMessage("invalid prefix length in '10.0.0.0/33': expected 0 to 32");
    }
}
