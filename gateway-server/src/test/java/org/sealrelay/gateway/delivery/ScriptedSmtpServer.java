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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A bare-socket server on 127.0.0.1 and an ephemeral port that sends a fixed greeting, replies to
 * commands from a table by their first word and records every command line. A command without
 * an entry gets no reply, which lets tests provoke timeouts. The reply {@link #CLOSE} closes the
 * connection instead of replying, and {@link #RESET} aborts it with a TCP reset. Serves one connection at a time.
 * With a TLS context, the reply to STARTTLS is followed by a server-side TLS handshake.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    /** A reply that makes the server close the connection without a reply. */
    static final String CLOSE = "<close>";
    /** A reply that makes the server abort the connection with a TCP RST (SO_LINGER 0), so the client's next read fails. */
    static final String RESET = "<reset>";
    /**
     * Ends a reply after which the server sends and reads nothing more, until it is closed, so the
     * client's writes fill the socket buffers and stall.
     */
    static final String STALL = "<stall>";

    private final ServerSocket socket;
    private final Thread thread;
    private final String greeting;
    private final Map<String, String> repliesByVerb;
    private final SSLContext tls;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    /** The connection being served, closed by {@link #close} so that a client holding it open cannot delay the stop. */
    private volatile Socket current;

    /**
     * @param greeting raw greeting including CRLF, such as {@code "2x0 hi\r\n"}
     * @param repliesByVerb raw replies including CRLF by upper-case command verb
     */
    ScriptedSmtpServer(String greeting, Map<String, String> repliesByVerb) throws IOException {
        this(greeting, repliesByVerb, null);
    }

    /** @param tls the context for the handshake after STARTTLS, or null for a server without TLS */
    ScriptedSmtpServer(String greeting, Map<String, String> repliesByVerb, SSLContext tls) throws IOException {
        this.greeting = greeting;
        this.repliesByVerb = repliesByVerb;
        this.tls = tls;
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
                current = connection;
                converse(connection);
            } catch (IOException e) {
                // The socket was closed by close() or the client went away; the loop condition decides.
            }
        }
    }

    private void converse(Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        out.write(greeting.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = reader(connection);
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            String reply = repliesByVerb.get(verb);
            if (CLOSE.equals(reply)) {
                return;
            }
            if (RESET.equals(reply)) {
                connection.setSoLinger(true, 0);
                return;
            }
            if (reply != null && reply.endsWith(STALL)) {
                out.write(reply.substring(0, reply.length() - STALL.length()).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stallUntilClosed();
                return;
            }
            if (reply != null) {
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            if (verb.equals("STARTTLS") && tls != null) {
                SSLSocket secured = (SSLSocket) tls.getSocketFactory()
                        .createSocket(connection, "localhost", connection.getPort(), true);
                secured.setUseClientMode(false);
                secured.startHandshake();
                out = secured.getOutputStream();
                in = reader(secured);
            }
        }
    }

    private void stallUntilClosed() {
        while (!socket.isClosed()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static BufferedReader reader(Socket connection) throws IOException {
        return new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        socket.close();
        Socket connection = current;
        if (connection != null) {
            connection.close();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
