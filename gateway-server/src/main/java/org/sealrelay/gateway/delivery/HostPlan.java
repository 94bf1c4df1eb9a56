package org.sealrelay.gateway.delivery;

import java.net.InetAddress;
import java.util.List;

/**
 * The addresses of one next-hop host and the TLS requirement for sessions with it, or the reason
 * the host must be skipped.
 *
 * @param addresses addresses to try in order; empty when {@code deferReason} is set
 * @param tls the TLS requirement; null when {@code deferReason} is set
 * @param deferReason enhanced status code and text when the host cannot be used now, or null
 */
record HostPlan(List<InetAddress> addresses, HopTls tls, String deferReason) {
    HostPlan {
        addresses = List.copyOf(addresses);
    }

    static HostPlan ready(List<InetAddress> addresses, HopTls tls) {
        return new HostPlan(addresses, tls, null);
    }

    static HostPlan deferred(String reason) {
        return new HostPlan(List.of(), null, reason);
    }
}
