package org.sealrelay.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A SubEthaSMTP next hop on 127.0.0.1 and a free port, without STARTTLS, that rejects chosen
 * recipients at RCPT with a fixed reply and records every message it accepts.
 */
public final class RejectingNextHop implements AutoCloseable {
    /** One accepted message with its envelope and content. */
    public record Received(String from, List<String> recipients, byte[] data) {
    }

    private final SMTPServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** @param rejections the rejection to send at RCPT, by recipient address */
    public RejectingNextHop(Map<String, RejectException> rejections) {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("nexthop.test")
                .insertReceivedHeaders(false)
                .messageHandlerFactory(context -> new Handler(rejections))
                .build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements MessageHandler {
        private final Map<String, RejectException> rejections;
        private final List<String> recipients = new ArrayList<>();
        private String from;

        Handler(Map<String, RejectException> rejections) {
            this.rejections = rejections;
        }

        @Override
        public void from(String sender) {
            this.from = sender;
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
            received.add(new Received(from, List.copyOf(recipients), data.readAllBytes()));
            return null;
        }

        @Override
        public void done() {
        }
    }
}
