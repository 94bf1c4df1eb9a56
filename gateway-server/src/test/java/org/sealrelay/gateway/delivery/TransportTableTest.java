package org.sealrelay.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;

class TransportTableTest {
    private static final Transport PARENT = Transport.parse("smtp:[parent.example.net]:2525");
    private static final Transport CHILD = Transport.parse("smtp:hub.example.net");

    private final Map<String, Transport> entries = Map.of("lab.example", PARENT, "east.lab.example", CHILD,
            "direct.lab.example", Transport.MX);

    @Test
    void entryCoversItsSubdomains() {
        TransportTable table = new TransportTable(entries, null);

        assertThat(table.lookup("lab.example")).isEqualTo(PARENT);
        assertThat(table.lookup("Mail.West.LAB.example.")).isEqualTo(PARENT);
    }

    @Test
    void longestMatchWins() {
        TransportTable table = new TransportTable(entries, null);

        assertThat(table.lookup("east.lab.example")).isEqualTo(CHILD);
        assertThat(table.lookup("a.east.lab.example")).isEqualTo(CHILD);
        assertThat(table.lookup("direct.lab.example")).isEqualTo(Transport.MX);
    }

    @Test
    void suffixWithoutDotBoundaryDoesNotMatch() {
        TransportTable table = new TransportTable(entries, null);

        assertThat(table.lookup("notlab.example")).isEqualTo(Transport.MX);
    }

    @Test
    void smartHostIsTheDefaultRoute() {
        TransportTable table = new TransportTable(entries, new HostAndPort("smart.example.net", 587));

        assertThat(table.lookup("other.example")).isEqualTo(
                new Transport(Transport.Kind.FIXED_HOST, "smart.example.net", 587));
        assertThat(table.lookup("direct.lab.example")).isEqualTo(Transport.MX);
    }
}
