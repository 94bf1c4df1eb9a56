package org.sealrelay.gateway.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One address of a next hop.
 *
 * @param hostName the MX host name or configured smart host name, used for SNI and for the host
 *     name check at the {@code verify} level
 * @param address the address to connect to
 */
record NextHop(String hostName, InetSocketAddress address) {
    static NextHop of(String hostName, InetAddress address, int port) {
        return new NextHop(hostName, new InetSocketAddress(address, port));
    }

    int port() {
        return address.getPort();
    }

    /** Returns the Postfix-style label {@code host[ip]:port} used in logs and outcome text. */
    String label() {
        return hostName + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }

    @Override
    public String toString() {
        return label();
    }
}
