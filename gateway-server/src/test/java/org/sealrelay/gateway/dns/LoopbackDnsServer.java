package org.sealrelay.gateway.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;

/**
 * An authoritative DNS server for tests that serves {@link TestZone}s over UDP and TCP on
 * 127.0.0.1, both on the same ephemeral port, so that dnsjava's {@code SimpleResolver} and
 * {@code ValidatingResolver} run against real DNS messages on a socket.
 *
 * <p>Answers are those of {@link ZoneAnswers}. RRSIG and NSEC records are added only when the
 * query sets the DO bit (RFC 4035). A UDP response longer than the client's EDNS payload size,
 * or than 512 octets without EDNS (RFC 1035), is cut and sent with the TC bit set. The client
 * then repeats the query over TCP, where each message carries a two-octet length prefix.
 *
 * <p>The zones must not change while the server runs.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    /** Attempts to find a port that is free for both UDP and TCP. */
    private static final int BIND_ATTEMPTS = 20;
    private static final int MIN_UDP_PAYLOAD = 512;

    private final ZoneAnswers answers;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "loopback-dns");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger udpQueries = new AtomicInteger();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final AtomicInteger truncated = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Binds UDP and TCP on 127.0.0.1 and starts answering.
     *
     * @throws IOException when no port was free for both protocols after {@value #BIND_ATTEMPTS} attempts
     */
    public LoopbackDnsServer(TestZone... zones) throws IOException {
        this.answers = new ZoneAnswers(List.of(zones));
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        DatagramSocket boundUdp = null;
        ServerSocket boundTcp = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS && boundTcp == null; attempt++) {
            boundUdp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                boundTcp = new ServerSocket(boundUdp.getLocalPort(), 50, loopback);
            } catch (BindException e) {
                // Another socket uses the TCP side of this port, so try another ephemeral port.
                boundUdp.close();
                boundUdp = null;
            }
        }
        if (boundTcp == null) {
            throw new IOException("no port on 127.0.0.1 was free for both UDP and TCP after " + BIND_ATTEMPTS
                    + " attempts");
        }
        this.udp = boundUdp;
        this.tcp = boundTcp;
        threads.execute(this::serveUdp);
        threads.execute(this::acceptTcp);
    }

    /** Returns the port that UDP and TCP listen on. */
    public int port() {
        return udp.getLocalPort();
    }

    /** Returns the address UDP and TCP listen on. */
    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), port());
    }

    /** Returns how many queries arrived over UDP. */
    public int udpQueries() {
        return udpQueries.get();
    }

    /** Returns how many queries arrived over TCP. */
    public int tcpQueries() {
        return tcpQueries.get();
    }

    /** Returns how many UDP responses were cut and sent with the TC bit. */
    public int truncatedResponses() {
        return truncated.get();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                // close() closed the socket; the loop condition ends the thread.
                continue;
            }
            udpQueries.incrementAndGet();
            byte[] query = java.util.Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                    packet.getOffset() + packet.getLength());
            byte[] response = respond(query, true);
            if (response == null) {
                continue;
            }
            try {
                udp.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // The client is gone or the socket is closed; a UDP client retries on its own.
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket connection;
            try {
                connection = tcp.accept();
            } catch (IOException e) {
                continue;
            }
            connections.add(connection);
            threads.execute(() -> serveTcp(connection));
        }
    }

    private void serveTcp(Socket connection) {
        try (connection;
                DataInputStream in = new DataInputStream(connection.getInputStream());
                DataOutputStream out = new DataOutputStream(connection.getOutputStream())) {
            while (!closed) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                if (query.length < length) {
                    return;
                }
                tcpQueries.incrementAndGet();
                byte[] response = respond(query, false);
                if (response == null) {
                    return;
                }
                out.writeShort(response.length);
                out.write(response);
                out.flush();
            }
        } catch (EOFException | SocketException e) {
            // The client closed the connection, which ends a TCP exchange normally.
        } catch (IOException e) {
            // A broken connection affects only this client, which gets the I/O error itself.
        } finally {
            connections.remove(connection);
        }
    }

    /** Returns the wire response, cut to the client's UDP payload size when {@code viaUdp}, or null for garbage. */
    private byte[] respond(byte[] wireQuery, boolean viaUdp) {
        Message query;
        try {
            query = new Message(wireQuery);
        } catch (IOException e) {
            // Not a DNS message (WireParseException): a real server drops it too.
            return null;
        }
        if (query.getQuestion() == null) {
            Message formatError = new Message(query.getHeader().getID());
            formatError.getHeader().setRcode(Rcode.FORMERR);
            return formatError.toWire();
        }
        Message response = answers.answer(query, false);
        if (!viaUdp) {
            return response.toWire();
        }
        OPTRecord opt = query.getOPT();
        int limit = opt == null ? MIN_UDP_PAYLOAD : Math.max(MIN_UDP_PAYLOAD, opt.getPayloadSize());
        byte[] full = response.toWire();
        if (full.length <= limit) {
            return full;
        }
        truncated.incrementAndGet();
        // dnsjava drops whole RRsets that do not fit and sets the TC bit.
        return response.toWire(limit);
    }

    /** Stops answering, closes both sockets and every open TCP connection, and waits for the threads. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // Closing a listening socket only fails when it is already closed.
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                // Already closed by its own thread.
            }
        }
        threads.shutdown();
        if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("loopback DNS server threads still running 5 s after close");
        }
    }
}
