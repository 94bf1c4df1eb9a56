package org.sealrelay.gateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An active attacker between the gateway and its next hop: it relays the SMTP dialogue line by
 * line but removes STARTTLS from the server's EHLO reply, and records every line the client sends,
 * so a test can prove that no message was offered in clear text.
 */
public final class StartTlsStrippingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<String> clientLines = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    public StartTlsStrippingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "starttls-stripper");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Returns every line a client sent through the proxy, in order. */
    public List<String> clientLines() {
        return List.copyOf(clientLines);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                pump(server, client, true);
                pump(client, server, false);
            } catch (IOException e) {
                // Closed by close(), or one side went away; the loop condition decides.
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(from.getInputStream(), StandardCharsets.ISO_8859_1))) {
                OutputStream out = to.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    if (fromServer && line.length() > 4 && line.substring(4).equalsIgnoreCase("STARTTLS")) {
                        continue;
                    }
                    if (!fromServer) {
                        clientLines.add(line);
                    }
                    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException e) {
                // The dialogue ended.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "starttls-stripper-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
