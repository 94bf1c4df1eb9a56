package org.sealrelay.gateway.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One blocking SMTP client session of the load generator: connect, EHLO, optional STARTTLS,
 * then MAIL, RCPT and DATA per message. Commands are sent one at a time without pipelining,
 * as smtp-source sends them by default.
 */
final class LoadSession implements AutoCloseable {
    /** A reply other than the one the dialogue needs, or a reply that is not valid SMTP. */
    static final class UnexpectedReplyException extends IOException {
        UnexpectedReplyException(String message) {
            super(message);
        }
    }

    private static final int BUFFER_SIZE = 64 * 1024;
    /** Longest reply line accepted; RFC 5321 section 4.5.3.1.5 sets 512 octets including CRLF. */
    private static final int MAX_LINE = 4096;

    private final String heloName;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean tls;

    private LoadSession(Socket socket, String heloName) throws IOException {
        this.socket = socket;
        this.heloName = heloName;
        attachStreams();
    }

    /** Connects, reads the 220 greeting and sends EHLO. */
    static LoadSession open(String host, int port, Duration timeout, String heloName) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            LoadSession session = new LoadSession(socket, heloName);
            session.expect(220, "greeting");
            session.command("EHLO " + heloName, 250);
            return session;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Issues STARTTLS, performs the handshake with {@code factory} and sends EHLO again
     * (RFC 3207 section 4.2: the client must discard what it knew before TLS).
     */
    void startTls(SSLSocketFactory factory, String host, int port) throws IOException {
        command("STARTTLS", 220);
        SSLSocket secured = (SSLSocket) factory.createSocket(socket, host, port, true);
        secured.setUseClientMode(true);
        secured.startHandshake();
        socket = secured;
        tls = true;
        attachStreams();
        command("EHLO " + heloName, 250);
    }

    boolean isTls() {
        return tls;
    }

    /**
     * Sends one message and returns the nanoseconds from the moment the last octet of the
     * terminating ".CRLF" was handed to the socket until the 250 reply to it was read.
     *
     * @param terminatedContent the message with CRLF line ends, dot-stuffed, ending in ".CRLF"
     * @throws UnexpectedReplyException when any reply of the transaction is not the expected code
     */
    long send(String from, String to, byte[] terminatedContent) throws IOException {
        command("MAIL FROM:<" + from + ">", 250);
        command("RCPT TO:<" + to + ">", 250);
        command("DATA", 354);
        out.write(terminatedContent);
        out.flush();
        long dotSent = System.nanoTime();
        expect(250, "end of data");
        return System.nanoTime() - dotSent;
    }

    /** Sends QUIT and waits for 221, so the server ends the session in its normal way. */
    void quit() throws IOException {
        command("QUIT", 221);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void attachStreams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream(), BUFFER_SIZE);
        out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_SIZE);
    }

    private void command(String line, int expectedCode) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String verb = line.contains(":") ? line.substring(0, line.indexOf(':')) : line.split(" ")[0];
        expect(expectedCode, verb);
    }

    /** Reads one complete reply, multi-line included, and checks its code. */
    private void expect(int expectedCode, String step) throws IOException {
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !isDigits(line.substring(0, 3))
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new UnexpectedReplyException("after " + step + ": expected an SMTP reply line; got '"
                        + printable(line) + "'");
            }
            int code = Integer.parseInt(line.substring(0, 3));
            if (code != expectedCode) {
                throw new UnexpectedReplyException("after " + step + ": expected " + expectedCode + "; got '"
                        + printable(line) + "'");
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return;
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int previous = -1;
        while (true) {
            int next = in.read();
            if (next < 0) {
                throw new EOFException("connection closed by the server in the middle of a reply");
            }
            if (previous == '\r' && next == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            if (line.size() >= MAX_LINE) {
                throw new UnexpectedReplyException("reply line longer than " + MAX_LINE + " octets");
            }
            line.write(next);
            previous = next;
        }
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Cuts a reply for an error message and replaces control characters with '?'. */
    private static String printable(String line) {
        String cut = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
