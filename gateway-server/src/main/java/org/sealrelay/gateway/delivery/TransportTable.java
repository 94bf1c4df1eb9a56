package org.sealrelay.gateway.delivery;

import java.util.Locale;
import java.util.Map;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.config.Transport;

/**
 * The configured routes by recipient domain. An entry for {@code example.org} also covers
 * {@code mx.example.org} and deeper names, and the longest matching entry wins, so a subdomain
 * can override its parent. Domains without an entry use the smart host when one is set, else
 * their own MX hosts.
 */
final class TransportTable {
    private final Map<String, Transport> byDomain;
    private final Transport fallback;

    /**
     * @param byDomain transports keyed by lower-case domain without a trailing dot
     * @param smartHost the default route for domains without an entry, or null for MX lookups
     */
    TransportTable(Map<String, Transport> byDomain, HostAndPort smartHost) {
        this.byDomain = Map.copyOf(byDomain);
        this.fallback = smartHost == null
                ? Transport.MX
                : new Transport(Transport.Kind.FIXED_HOST, smartHost.host(), smartHost.port());
    }

    /** Returns the transport for {@code domain}: its own entry, its closest parent's, or the default. */
    Transport lookup(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        while (true) {
            Transport transport = byDomain.get(name);
            if (transport != null) {
                return transport;
            }
            int dot = name.indexOf('.');
            if (dot < 0) {
                return fallback;
            }
            name = name.substring(dot + 1);
        }
    }
}
