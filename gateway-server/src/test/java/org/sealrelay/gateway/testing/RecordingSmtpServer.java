package org.sealrelay.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A SubEthaSMTP server on 127.0.0.1 and an ephemeral port that records every MAIL FROM and every
 * message it accepts, and rejects chosen recipients with a fixed reply.
 */
public final class RecordingSmtpServer implements AutoCloseable {
    /** One accepted message: the envelope and the content as received, after dot-unstuffing. */
    public record Received(String from, List<String> recipients, byte[] content) {}

    private final SMTPServer server;
    private final List<String> mailFromCommands = new CopyOnWriteArrayList<>();
    private final List<Received> messages = new CopyOnWriteArrayList<>();

    /**
     * Starts a server.
     *
     * @param tls the STARTTLS context, or null to offer no STARTTLS
     * @param rejections replies by recipient address, such as {@code 550 -> "5.1.1 no such user"}
     */
    public RecordingSmtpServer(SSLContext tls, Map<String, RejectException> rejections) {
        SMTPServer.Builder builder = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(context -> new Handler(context, rejections));
        if (tls != null) {
            builder.enableTLS().startTlsSocketFactory(tls, false);
        }
        server = builder.build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<String> mailFromCommands() {
        return List.copyOf(mailFromCommands);
    }

    public List<Received> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements MessageHandler {
        private final Map<String, RejectException> rejections;
        private String from;
        private final List<String> recipients = new ArrayList<>();

        Handler(MessageContext context, Map<String, RejectException> rejections) {
            this.rejections = rejections;
        }

        @Override
        public void from(String from) {
            this.from = from;
            mailFromCommands.add(from);
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            RejectException rejection = rejections.get(recipient);
            if (rejection != null) {
                throw rejection;
            }
            recipients.add(recipient);
        }

        @Override
        public String data(InputStream data) throws IOException {
            messages.add(new Received(from, List.copyOf(recipients), data.readAllBytes()));
            return null;
        }

        @Override
        public void done() {}
    }
}
