package org.sealrelay.gateway.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;

/**
 * A UDP DNS server on 127.0.0.1 and a free port that answers from an {@link InMemoryResolver},
 * for tests of components that build their own resolver from {@code delivery.dns-servers}.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final InMemoryResolver zones;
    private final Thread thread;

    public LoopbackDnsServer(InMemoryResolver zones) throws SocketException {
        this.zones = zones;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns {@code 127.0.0.1:port}, the form {@code delivery.dns-servers} takes. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = zones.sendAsync(query, Runnable::run).toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                byte[] wire = response.toWire(512);
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            } catch (Exception e) {
                // A query the in-memory zones cannot answer gets no reply, as a lost packet would.
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5_000);
    }
}
