package org.sealrelay.gateway.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The local queue administration endpoint.
 *
 * @param address loopback address and port of the HTTP endpoint; port 0 picks a free port
 * @param tokenFile file that receives the bearer token at each start, with mode 0600
 */
public record AdminConfig(HostAndPort address, Path tokenFile) {
    public AdminConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tokenFile, "tokenFile");
        if (!isLoopbackLiteral(address.host())) {
            // The endpoint speaks plain HTTP, so it must not be reachable from another host.
            throw new IllegalArgumentException("invalid admin address " + address
                    + ": expected a loopback IP address such as 127.0.0.1 or [::1]");
        }
    }

    private static boolean isLoopbackLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false;
        }
        try {
            // An IP literal never causes a DNS query here.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
