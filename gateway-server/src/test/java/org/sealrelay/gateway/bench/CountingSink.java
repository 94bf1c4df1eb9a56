package org.sealrelay.gateway.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.sealrelay.gateway.tls.ServerTls;
import org.sealrelay.gateway.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A next hop for {@code scripts/bench} that offers STARTTLS, which Postfix's smtp-sink cannot:
 * a Netty SMTP server on 127.0.0.1 that accepts every message, discards it and counts it. It
 * uses OpenSSL (netty-tcnative BoringSSL) and the epoll transport where they load, so that the
 * measuring tool takes as little as it can of the CPU that the servers under test share.
 *
 * <p>It writes {@code mesg=0 tls=0} to the status file before it prints its port, then appends a
 * line {@code mesg=N tls=M} every 10 ms in which the counts changed, where N counts accepted
 * messages and M those received in a session that had completed STARTTLS. A message is one
 * transaction: it counts once when its end of data has arrived and its 250 reply has been
 * written, however many recipients it had. measure.py reads the last line, as it reads
 * smtp-sink's {@code -c} output.
 *
 * <p>Arguments: {@code PORT STATUS_FILE CERTIFICATE_PEM PRIVATE_KEY_PEM [--require-tls]}. With
 * {@code --require-tls}, MAIL before STARTTLS gets {@code 530 5.7.0}, so a client that skips TLS
 * fails loudly instead of being counted. SIGTERM stops it through a shutdown hook.
 */
public final class CountingSink {
    private static final Logger log = LoggerFactory.getLogger(CountingSink.class);
    private static final long STATUS_INTERVAL_MILLIS = 10;
    private static final int BACKLOG = 1024;
    /** Session errors logged in full; after these, only every 1000th is logged, with the count. */
    private static final long LOGGED_ERRORS = 20;

    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong tlsMessages = new AtomicLong();
    private final AtomicLong sessionErrors = new AtomicLong();
    private final int requestedPort;
    private final SslContext tlsContext;
    private final boolean requireTls;
    private EventLoopGroup group;
    private Channel serverChannel;

    /**
     * Creates a sink that will listen on 127.0.0.1 and {@code port}, or a free port when it is 0.
     *
     * @param tlsContext the server context for STARTTLS, for example from {@link #serverContext}
     */
    CountingSink(int port, SslContext tlsContext, boolean requireTls) {
        this.requestedPort = port;
        this.tlsContext = tlsContext;
        this.requireTls = requireTls;
    }

    /**
     * Binds the port and serves every session on one event loop thread. A thread per CPU cost
     * about 8% more CPU per STARTTLS message, because each accepted connection then moves to
     * another thread, and one thread keeps up with both servers under test.
     */
    /** Starts a sink on a free port with a self-signed certificate kept in {@code directory}, for tests. */
    static CountingSink startWithTestCertificate(Path directory, boolean requireTls) throws Exception {
        Path certificate = directory.resolve("sink.crt");
        Path key = directory.resolve("sink.key");
        ServerTls.loadOrCreate(certificate, key, "sink.bench.example");
        CountingSink sink = new CountingSink(0, serverContext(certificate, key), requireTls);
        sink.start();
        return sink;
    }

    void start() throws InterruptedException {
        group = Transports.newEventLoopGroup(1, "sink-io");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transports.serverChannelClass(group))
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new CountingSinkSession(CountingSink.this, tlsContext, requireTls));
                    }
                });
        try {
            serverChannel = bootstrap.bind(new InetSocketAddress("127.0.0.1", requestedPort)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Closes the listening socket and every session, and waits up to 5 s for the event loops to end. */
    void stop() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
        }
    }

    /** Returns the port the sink listens on, once {@link #start} has returned. */
    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    long messages() {
        return messages.get();
    }

    long tlsMessages() {
        return tlsMessages.get();
    }

    /** Adds {@code count} messages whose 250 reply was written, in a session that used TLS when {@code overTls}. */
    void countMessages(int count, boolean overTls) {
        // Messages first, so a reader that reads tlsMessages before messages never gets more TLS messages than messages.
        messages.addAndGet(count);
        if (overTls) {
            tlsMessages.addAndGet(count);
        }
    }

    /** Logs an error that ended a session, rate-limited because a failing client repeats it per session. */
    void logSessionError(Channel channel, Throwable cause) {
        long errors = sessionErrors.incrementAndGet();
        if (errors <= LOGGED_ERRORS) {
            log.warn("session from {} failed: {}", channel.remoteAddress(), cause.toString());
        } else if (errors % 1000 == 0) {
            log.warn("{} sessions failed so far; the latest, from {}: {}", errors, channel.remoteAddress(), cause.toString());
        }
    }

    /** Builds a server context from PEM files, with OpenSSL when netty-tcnative loads and the JDK provider otherwise. */
    static SslContext serverContext(Path certificate, Path privateKey) throws SSLException {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        if (provider == SslProvider.JDK) {
            log.warn("OpenSSL is unavailable ({}); using the JDK TLS provider, which costs more CPU per handshake. "
                    + "netty-tcnative-boringssl-static needs a build for this OS and CPU", OpenSsl.unavailabilityCause().toString());
        }
        return SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                .sslProvider(provider)
                .build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5 || (args.length == 5 && !args[4].equals("--require-tls"))) {
            System.err.println("usage: CountingSink PORT STATUS_FILE CERTIFICATE_PEM PRIVATE_KEY_PEM [--require-tls]");
            System.exit(2);
        }
        CountingSink sink = new CountingSink(Integer.parseInt(args[0]),
                serverContext(Path.of(args[2]), Path.of(args[3])), args.length == 5);
        Path statusFile = Path.of(args[1]);
        try (OutputStream status = Files.newOutputStream(statusFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            sink.start();
            StatusLines statusLines = sink.new StatusLines(status);
            // The first line must be in the file before a client can learn the port and send.
            statusLines.writeIfChanged();
            System.out.println("CountingSink: listening on 127.0.0.1:" + sink.port());
            System.out.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            CountDownLatch statusClosed = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                sink.stop();
                stopped.countDown();
                // The JVM halts when the hook returns, so wait for the last status line.
                try {
                    statusClosed.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sink-shutdown"));
            try {
                statusLines.writeUntil(stopped);
            } finally {
                statusClosed.countDown();
            }
        }
    }

    /** The status file: a line {@code mesg=N tls=M} each time the counts differ from the last line. */
    final class StatusLines {
        private final OutputStream status;
        private long writtenMessages = -1;
        private long writtenTls = -1;

        StatusLines(OutputStream status) {
            this.status = status;
        }

        void writeIfChanged() throws IOException {
            long tls = tlsMessages.get();
            long count = messages.get();
            if (count != writtenMessages || tls != writtenTls) {
                status.write(("mesg=" + count + " tls=" + tls + "\n").getBytes(StandardCharsets.US_ASCII));
                status.flush();
                writtenMessages = count;
                writtenTls = tls;
            }
        }

        /** Checks every {@link #STATUS_INTERVAL_MILLIS} ms until {@code stopped}, and once more after it. */
        void writeUntil(CountDownLatch stopped) throws IOException, InterruptedException {
            boolean last;
            do {
                last = stopped.await(STATUS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                writeIfChanged();
            } while (!last);
        }
    }
}
