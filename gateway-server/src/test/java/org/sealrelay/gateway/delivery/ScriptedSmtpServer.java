package org.sealrelay.gateway.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A bare-socket server on 127.0.0.1 and an ephemeral port that sends a fixed greeting, answers
 * commands from a table by their first word and records every command line. A command without
 * an entry gets no reply, which lets tests provoke timeouts. Serves one connection at a time.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;
    private final String greeting;
    private final Map<String, String> repliesByVerb;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    /**
     * @param greeting raw greeting including CRLF, such as {@code "2x0 hi\r\n"}
     * @param repliesByVerb raw replies including CRLF by upper-case command verb
     */
    ScriptedSmtpServer(String greeting, Map<String, String> repliesByVerb) throws IOException {
        this.greeting = greeting;
        this.repliesByVerb = repliesByVerb;
        this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "scripted-smtp-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    List<String> commands() {
        return List.copyOf(commands);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                OutputStream out = connection.getOutputStream();
                out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(
                        new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
                    String reply = repliesByVerb.get(verb);
                    if (reply != null) {
                        out.write(reply.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // The socket was closed by close() or the client went away; the loop condition decides.
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
