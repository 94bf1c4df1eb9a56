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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A bare-socket SMTP server on 127.0.0.1 and a free port whose replies come from a script, for
 * tests that need replies, failures and timing that real servers rarely produce. One thread
 * serves each connection.
 *
 * <p>Every line received is recorded, message content included. After a 354 reply to DATA, the
 * lines up to "." are content and get no reply. Every other line, "." included, gets the
 * script's reply: raw text with its CRLFs, nothing for null (so a test can provoke a timeout),
 * or one of {@link #CLOSE}, {@link #RESET} and {@link #STALL}. BDAT chunks are not framed: their
 * octets are read as lines. With a TLS context, the reply to STARTTLS is followed by a
 * server-side handshake.
 */
public final class ScriptedSmtpServer implements AutoCloseable {
    /** A reply that makes the server close the connection without a reply. */
    public static final String CLOSE = "<close>";
    /** A reply that makes the server abort the connection with a TCP RST (SO_LINGER 0), so the client's next read fails. */
    public static final String RESET = "<reset>";
    /**
     * Ends a reply after which the server sends and reads nothing more until it is closed, so the
     * client's writes fill the socket buffers and stall.
     */
    public static final String STALL = "<stall>";

    /** Returns the reply to one line received, as described for the class. */
    public interface Script {
        String reply(String line);
    }

    private final ServerSocket listener;
    private final String greeting;
    private final long greetingDelayMillis;
    private final Script script;
    private final SSLContext tls;
    private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger concurrentSessions = new AtomicInteger();
    private final AtomicInteger maxConcurrentSessions = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private final Thread acceptor;

    /**
     * Starts a server that replies by the first word of each line, upper-cased.
     *
     * @param greeting the reply sent on connect, CRLF included, such as {@code "220 hi\r\n"}
     * @param repliesByVerb raw replies including CRLF by upper-case command verb
     */
    public ScriptedSmtpServer(String greeting, Map<String, String> repliesByVerb) throws IOException {
        this(greeting, repliesByVerb, null);
    }

    /** @param tls the context for the handshake after STARTTLS, or null for a server without TLS */
    public ScriptedSmtpServer(String greeting, Map<String, String> repliesByVerb, SSLContext tls) throws IOException {
        this(greeting, 0, line -> repliesByVerb.get(line.split(" ", 2)[0].toUpperCase(Locale.ROOT)), tls);
    }

    /**
     * Starts a server without TLS.
     *
     * @param greetingDelayMillis how long each connection waits before the greeting
     */
    public ScriptedSmtpServer(String greeting, long greetingDelayMillis, Script script) throws IOException {
        this(greeting, greetingDelayMillis, script, null);
    }

    private ScriptedSmtpServer(String greeting, long greetingDelayMillis, Script script, SSLContext tls)
            throws IOException {
        this.listener = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        this.greeting = greeting;
        this.greetingDelayMillis = greetingDelayMillis;
        this.script = script;
        this.tls = tls;
        this.acceptor = new Thread(this::acceptConnections, "scripted-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server that greets with 220 and replies as {@code overrides} does, or else positively. */
    public static ScriptedSmtpServer accepting(Script overrides) throws IOException {
        return new ScriptedSmtpServer("220 scripted.test ESMTP\r\n", 0, line -> {
            String reply = overrides.reply(line);
            return reply != null ? reply : standardReply(line);
        });
    }

    /** Returns the positive reply a plain server sends to {@code line}. */
    public static String standardReply(String line) {
        if (line.startsWith("EHLO")) {
            return "250 scripted.test\r\n";
        }
        if (line.equals("DATA")) {
            return "354 end with <CRLF>.<CRLF>\r\n";
        }
        if (line.equals("QUIT")) {
            return "221 bye\r\n";
        }
        return "250 ok\r\n";
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Returns every line received so far on every connection, in order of arrival. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public int connections() {
        return connections.get();
    }

    /** Returns the most sessions open at once, counting a session as ended when it sends QUIT. */
    public int maxConcurrentConnections() {
        return maxConcurrentSessions.get();
    }

    /** Returns the number of messages read up to their "." line after a 354 reply. */
    public int messages() {
        return messages.get();
    }

    private void acceptConnections() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return;
            }
            open.add(socket);
            if (listener.isClosed()) {
                // close() may have passed over this socket, which was not yet in the set.
                closeQuietly(socket);
                return;
            }
            connections.incrementAndGet();
            maxConcurrentSessions.accumulateAndGet(concurrentSessions.incrementAndGet(), Math::max);
            Thread thread = new Thread(() -> serve(socket), "scripted-smtp-" + connections.get());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void serve(Socket socket) {
        SessionSlot slot = new SessionSlot();
        try {
            converse(socket, slot);
        } catch (IOException | InterruptedException e) {
            // The client or close() ended the connection; tests check what the client saw.
        } finally {
            open.remove(socket);
            slot.release();
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that is left to do.
        }
    }

    private void converse(Socket socket, SessionSlot slot) throws IOException, InterruptedException {
        Thread.sleep(greetingDelayMillis);
        OutputStream out = socket.getOutputStream();
        write(out, greeting);
        BufferedReader in = reader(socket);
        boolean inData = false;
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            if (inData && !line.equals(".")) {
                continue;
            }
            if (inData) {
                inData = false;
                messages.incrementAndGet();
            }
            if (line.equals("QUIT")) {
                // The client may connect again as soon as it reads the reply to QUIT, so this
                // session stops counting before the reply is sent.
                slot.release();
            }
            String reply = script.reply(line);
            if (CLOSE.equals(reply)) {
                return;
            }
            if (RESET.equals(reply)) {
                socket.setSoLinger(true, 0);
                return;
            }
            if (reply != null && reply.endsWith(STALL)) {
                write(out, reply.substring(0, reply.length() - STALL.length()));
                stallUntilClosed();
                return;
            }
            if (reply != null) {
                write(out, reply);
            }
            if (line.equals("DATA") && reply != null && reply.startsWith("354")) {
                inData = true;
            }
            if (line.equalsIgnoreCase("STARTTLS") && tls != null) {
                SSLSocket secured = (SSLSocket) tls.getSocketFactory()
                        .createSocket(socket, "localhost", socket.getPort(), true);
                secured.setUseClientMode(false);
                secured.startHandshake();
                out = secured.getOutputStream();
                in = reader(secured);
            }
        }
    }

    private void stallUntilClosed() throws InterruptedException {
        while (!listener.isClosed()) {
            Thread.sleep(20);
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : open) {
            socket.close();
        }
        try {
            acceptor.join(5000);
            for (Thread thread : threads) {
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One session in {@link #concurrentSessions}, released once: at QUIT or when the connection ends. */
    private final class SessionSlot {
        private boolean released;

        void release() {
            if (!released) {
                released = true;
                concurrentSessions.decrementAndGet();
            }
        }
    }
}
