package org.sealrelay.gateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-text SMTP server on 127.0.0.1 and a free port whose replies come from a script, for
 * testing how {@link SmtpLoadGenerator} handles replies that real servers rarely send. It reads
 * the message after a 354 reply up to the "." line and takes the reply to "." from the script.
 * One thread serves each connection.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    /** Returns the reply to one command line, CRLF included, or null to close the connection instead. */
    interface Script {
        String reply(String command);
    }

    private final ServerSocket listener;
    private final String greeting;
    private final long greetingDelayMillis;
    private final Script script;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger concurrentSessions = new AtomicInteger();
    private final AtomicInteger maxConcurrentConnections = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private final Thread acceptor;

    /**
     * Starts the server.
     *
     * @param greeting the reply sent on connect, CRLF included
     * @param greetingDelayMillis how long each connection waits before the greeting
     */
    ScriptedSmtpServer(String greeting, long greetingDelayMillis, Script script) throws IOException {
        this.listener = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        this.greeting = greeting;
        this.greetingDelayMillis = greetingDelayMillis;
        this.script = script;
        this.acceptor = new Thread(this::acceptConnections, "scripted-smtp-accept");
        acceptor.start();
    }

    /** Starts a server that greets with 220 and replies positively to every command of a normal session. */
    static ScriptedSmtpServer accepting(Script overrides) throws IOException {
        return new ScriptedSmtpServer("220 scripted.test ESMTP\r\n", 0, command -> {
            String reply = overrides.reply(command);
            return reply != null ? reply : standardReply(command);
        });
    }

    /** Returns the positive reply a plain server sends to {@code command}. */
    static String standardReply(String command) {
        if (command.startsWith("EHLO")) {
            return "250 scripted.test\r\n";
        }
        if (command.equals("DATA")) {
            return "354 end with <CRLF>.<CRLF>\r\n";
        }
        if (command.equals("QUIT")) {
            return "221 bye\r\n";
        }
        return "250 ok\r\n";
    }

    int port() {
        return listener.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Returns the most sessions open at once, counting a session as ended when it sends QUIT. */
    int maxConcurrentConnections() {
        return maxConcurrentConnections.get();
    }

    /** Returns the number of messages read up to their "." line. */
    int messages() {
        return messages.get();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        for (Socket socket : open) {
            socket.close();
        }
        acceptor.join(5000);
        for (Thread thread : threads) {
            thread.join(5000);
        }
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
            connections.incrementAndGet();
            maxConcurrentConnections.accumulateAndGet(concurrentSessions.incrementAndGet(), Math::max);
            Thread thread = new Thread(() -> serve(socket), "scripted-smtp-" + connections.get());
            threads.add(thread);
            thread.start();
        }
    }

    private void serve(Socket socket) {
        boolean ended = false;
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            Thread.sleep(greetingDelayMillis);
            write(out, greeting);
            boolean inData = false;
            String line;
            while ((line = in.readLine()) != null) {
                if (inData && !line.equals(".")) {
                    continue;
                }
                if (inData) {
                    inData = false;
                    messages.incrementAndGet();
                }
                if (line.equals("QUIT")) {
                    // The client may connect again as soon as it reads the reply to QUIT, so
                    // this session stops counting before the reply is sent.
                    ended = true;
                    concurrentSessions.decrementAndGet();
                }
                String reply = script.reply(line);
                if (reply == null) {
                    return;
                }
                write(out, reply);
                if (line.equals("DATA") && reply.startsWith("354")) {
                    inData = true;
                }
                if (line.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client or close() ended the connection; the test checks the generator's figures.
        } finally {
            open.remove(socket);
            if (!ended) {
                concurrentSessions.decrementAndGet();
            }
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
