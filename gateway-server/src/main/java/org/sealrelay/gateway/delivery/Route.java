package org.sealrelay.gateway.delivery;

import java.util.List;
import org.sealrelay.gateway.config.HostAndPort;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;

/**
 * The next-hop plan for a request: hosts to try in order, or the final outcome when DNS already
 * decided it.
 *
 * @param hosts host names with ports, most preferred first; empty when {@code failure} is set
 * @param viaSmartHost whether the one host is fixed (the smart host or an {@code smtp:[host]}
 *     transport) rather than found in MX records, so its addresses come from the JDK resolver
 * @param implicitMx whether the only host is the domain itself because it has no MX records
 * @param failure the result for every recipient when no host can be tried, or null
 * @param failureReason the enhanced status code and text for {@code failure}, or null
 * @param dane whether DANE applies to the hosts: the MX RRset was DNSSEC-secure, or the one host
 *     was configured, so each host's TLSA records decide its TLS requirement (RFC 7672 section 2.2)
 */
record Route(
        List<HostAndPort> hosts,
        boolean viaSmartHost,
        boolean implicitMx,
        Result failure,
        String failureReason,
        boolean dane) {
    Route {
        hosts = List.copyOf(hosts);
    }

    static Route to(List<HostAndPort> hosts, boolean viaSmartHost, boolean implicitMx) {
        return new Route(hosts, viaSmartHost, implicitMx, null, null, false);
    }

    static Route failed(Result failure, String reason) {
        return new Route(List.of(), false, false, failure, reason, false);
    }

    /** Returns this route with DANE applying to its hosts. */
    Route withDane() {
        return new Route(hosts, viaSmartHost, implicitMx, failure, failureReason, true);
    }

    boolean isFailure() {
        return failure != null;
    }
}
