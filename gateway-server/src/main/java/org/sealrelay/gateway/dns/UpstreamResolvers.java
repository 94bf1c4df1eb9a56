package org.sealrelay.gateway.dns;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.sealrelay.gateway.config.HostAndPort;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/** The upstream DNS resolver that the configuration names ({@code delivery.dns-servers}). */
public final class UpstreamResolvers {
    private UpstreamResolvers() {
    }

    /**
     * Returns a resolver that queries the given servers in turn, or the system's resolvers when the
     * list is empty.
     *
     * @throws IllegalArgumentException when a server is neither an IP literal nor a resolvable name
     */
    public static Resolver forServers(List<HostAndPort> servers) {
        if (servers.isEmpty()) {
            return new ExtendedResolver();
        }
        List<Resolver> resolvers = new ArrayList<>();
        for (HostAndPort server : servers) {
            InetSocketAddress address = new InetSocketAddress(server.host(), server.port());
            if (address.isUnresolved()) {
                throw new IllegalArgumentException(
                        "invalid DNS server '" + server + "': host not found; use an IP address");
            }
            resolvers.add(new SimpleResolver(address));
        }
        return new ExtendedResolver(resolvers);
    }
}
