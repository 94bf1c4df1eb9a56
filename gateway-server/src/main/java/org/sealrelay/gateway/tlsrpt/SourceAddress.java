package org.sealrelay.gateway.tlsrpt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Finds the local address that the kernel picks for connections to a destination, which is the
 * {@code sending-mta-ip} of RFC 8460 section 4.4. Connecting a UDP socket only selects a route
 * and sends no packet.
 *
 * <p>NOTE: this is the routing table's choice, so it matches the SMTP session's source address
 * only while outbound sessions do not bind an address of their own, as today none do.
 */
public final class SourceAddress {
    /** Any port works for the route lookup; 25 keeps policy routing on the SMTP path. */
    private static final int PROBE_PORT = 25;

    private SourceAddress() {
    }

    /** Returns the local address for traffic to {@code destination}, or an empty string when there is no route. */
    public static String towards(InetAddress destination) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(destination, PROBE_PORT));
            InetAddress local = socket.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? "" : local.getHostAddress();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
