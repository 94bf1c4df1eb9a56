package org.sealrelay.gateway.bench;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * A next hop for {@code scripts/bench} that offers STARTTLS, which Postfix's smtp-sink cannot:
 * a SubEthaSMTP server on 127.0.0.1 that accepts every message, discards it and counts it.
 *
 * <p>Every 10 ms in which the counts changed it appends a line {@code mesg=N tls=M} to the status
 * file, where N counts accepted messages and M those received in a session that had started
 * TLS. SubEthaSMTP reports a message once per recipient, so N counts messages only while each
 * has one recipient, as the load generator sends them. measure.py reads the last line, as it
 * reads smtp-sink's {@code -c} output.
 *
 * <p>Arguments: {@code PORT STATUS_FILE CERTIFICATE_PEM PRIVATE_KEY_PEM [--require-tls]}. With
 * {@code --require-tls}, MAIL before STARTTLS gets SubEthaSMTP's 530 reply, so a client that
 * skips TLS fails loudly instead of being counted.
 */
public final class CountingSink {
    private static final long STATUS_INTERVAL_MILLIS = 10;

    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong tlsMessages = new AtomicLong();
    private final SMTPServer server;

    CountingSink(int port, SSLContext tlsContext, boolean requireTls) {
        server = SMTPServer.port(port)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.bench.example")
                .insertReceivedHeaders(false)
                .backlog(1024)
                .enableTLS()
                .requireTLS(requireTls)
                .startTlsSocketFactory(tlsContext)
                .messageHandler((context, from, to, data) -> {
                    messages.incrementAndGet();
                    if (context instanceof Session session && session.isTLSStarted()) {
                        tlsMessages.incrementAndGet();
                    }
                })
                .build();
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop();
    }

    int port() {
        return server.getPortAllocated();
    }

    long messages() {
        return messages.get();
    }

    long tlsMessages() {
        return tlsMessages.get();
    }

    /** Builds a JDK server context from PEM files, as SubEthaSMTP needs a {@link SSLContext}. */
    static SSLContext serverContext(Path certificate, Path privateKey) throws IOException {
        SslContext context = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                .sslProvider(SslProvider.JDK)
                .build();
        return ((JdkSslContext) context).context();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5 || (args.length == 5 && !args[4].equals("--require-tls"))) {
            System.err.println("usage: CountingSink PORT STATUS_FILE CERTIFICATE_PEM PRIVATE_KEY_PEM [--require-tls]");
            System.exit(2);
        }
        CountingSink sink = new CountingSink(Integer.parseInt(args[0]),
                serverContext(Path.of(args[2]), Path.of(args[3])), args.length == 5);
        sink.start();
        System.out.println("CountingSink: listening on 127.0.0.1:" + sink.port());
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.stop();
            stopped.countDown();
        }, "sink-shutdown"));
        sink.writeStatusUntil(Path.of(args[1]), stopped);
    }

    /** Appends a status line whenever the counts changed, every {@link #STATUS_INTERVAL_MILLIS} ms, until {@code stopped}. */
    private void writeStatusUntil(Path statusFile, CountDownLatch stopped) throws IOException, InterruptedException {
        long writtenMessages = -1;
        long writtenTls = -1;
        try (OutputStream out = Files.newOutputStream(statusFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            do {
                long count = messages.get();
                long tls = tlsMessages.get();
                if (count != writtenMessages || tls != writtenTls) {
                    out.write(("mesg=" + count + " tls=" + tls + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    writtenMessages = count;
                    writtenTls = tls;
                }
            } while (!stopped.await(STATUS_INTERVAL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
    }
}
