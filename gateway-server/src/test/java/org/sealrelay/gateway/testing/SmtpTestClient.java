package org.sealrelay.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.sealrelay.gateway.spool.QueueId;

/**
 * A raw SMTP client for transcript tests: it sends exactly the bytes it is given, so tests can
 * send bare LF, pipelined commands and other input a library client would refuse to produce.
 */
public final class SmtpTestClient implements AutoCloseable {
    /** The start of the gateway's reply to a message it has queued, before the queue ID. */
    public static final String QUEUED = "250 2.0.0 Ok: queued as ";

    private static final int TIMEOUT_MILLIS = 15_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public SmtpTestClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * Opens a session, sends one message as {@link #sendMessage} does, sends QUIT and returns
     * the reply to the message's final dot.
     */
    public static String submit(InetSocketAddress address, String from, List<String> recipients, String data)
            throws IOException {
        try (SmtpTestClient client = new SmtpTestClient(address)) {
            client.greet();
            String reply = client.sendMessage(from, recipients, data);
            client.command("QUIT");
            return reply;
        }
    }

    /**
     * Returns the queue ID of a reply to the final dot.
     *
     * @throws AssertionError if the reply does not start with {@link #QUEUED}
     */
    public static QueueId queueIdOf(String reply) {
        assertThat(reply).as("reply to the final dot").startsWith(QUEUED);
        return new QueueId(reply.substring(QUEUED.length()).trim());
    }

    /** Reads the greeting and sends {@code EHLO client.test}, and returns the EHLO reply. */
    public String greet() throws IOException {
        readReply();
        return command("EHLO client.test");
    }

    /**
     * Sends MAIL FROM, one RCPT TO per recipient, DATA, then {@code data} and the final dot, and
     * returns the reply to the final dot. It checks that MAIL and every RCPT get 250 and DATA
     * gets 354.
     *
     * @param data the message as sent: already dot-stuffed and ending in CRLF
     * @throws AssertionError if a reply before the content is not the one expected
     */
    public String sendMessage(String from, List<String> recipients, String data) throws IOException {
        assertThat(command("MAIL FROM:<" + from + ">")).as("reply to MAIL FROM:<%s>", from).startsWith("250 ");
        for (String recipient : recipients) {
            assertThat(command("RCPT TO:<" + recipient + ">")).as("reply to RCPT TO:<%s>", recipient)
                    .startsWith("250 ");
        }
        assertThat(command("DATA")).as("reply to DATA").startsWith("354 ");
        sendRaw(data + ".\r\n");
        return readReply();
    }

    /** Sends raw text as UTF-8 without adding a line ending. */
    public void sendRaw(String text) throws IOException {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command followed by CRLF and returns its complete reply. */
    public String command(String line) throws IOException {
        sendRaw(line + "\r\n");
        return readReply();
    }

    /**
     * Reads one complete reply, multi-line replies included, and returns it with CRLF line ends.
     *
     * @throws IOException if the connection closes before a complete reply arrives
     */
    public String readReply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = readLine();
            reply.append(line).append("\r\n");
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after '" + line.toString(StandardCharsets.UTF_8) + "'");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    /** Returns true when the server has closed the connection (reads end of stream). */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** Upgrades the connection to TLS after a 220 reply to STARTTLS, trusting any certificate. */
    public SSLSocket startTls() throws Exception {
        return startTls(null);
    }

    /** Like {@link #startTls()}, presenting the client certificate of the given key managers. */
    public SSLSocket startTls(javax.net.ssl.KeyManager[] keyManagers) throws Exception {
        SSLSocket tls = (SSLSocket) trustingContext(keyManagers).getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
        return tls;
    }

    /**
     * Returns a client TLS context that accepts every server certificate and presents the
     * client certificate of {@code keyManagers}, or none when it is null.
     */
    public static SSLContext trustingContext(javax.net.ssl.KeyManager[] keyManagers) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, new TrustManager[] {new TrustAll()}, null);
        return context;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Accepts every certificate: the tests check what the gateway does, not its certificate. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
