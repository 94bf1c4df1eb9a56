package org.sealrelay.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ResourceLeakDetector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.sealrelay.gateway.transport.Transports;

/**
 * SMTP load generator for {@code scripts/bench}: sends N messages over S concurrent sessions,
 * with STARTTLS when asked, and measures per message the accept latency, from the completion
 * of the write of the ".CRLF" that ends DATA to the 250 reply. The durable-accept rate is the
 * number of 250 replies to end of data divided by the time from the start signal to the last of
 * them, so it shows how fast the server acknowledges mail, whatever happens to delivery afterwards.
 *
 * <p>Every session runs as a {@link LoadSession} handler on one shared Netty event loop thread,
 * with the epoll transport where it loads and OpenSSL (netty-tcnative BoringSSL) for STARTTLS
 * where it loads, so that the generator takes as little as it can of the CPU that the server
 * under test shares with it.
 *
 * <p>Run with the gateway-server test classpath; {@link LoadOptions#USAGE} lists the options.
 * Standard output carries "ready", then one JSON line; the transport and TLS provider in use
 * and any errors go to standard error.
 *
 * <p>STARTTLS accepts any server certificate: this is a measuring tool for loopback runs,
 * never a mail client.
 */
public final class SmtpLoadGenerator implements LoadSession.Listener {
    /** Failure texts kept for the JSON line; the rest are counted only. */
    private static final int MAX_ERRORS_KEPT = 5;
    private static final String HELO_NAME = "source.bench.example";
    /**
     * One thread drives every session: the benchmark machine has 2 cores shared with the server
     * under test and the sink, and one thread avoids wake-ups and hand-offs between threads.
     */
    private static final int EVENT_LOOP_THREADS = 1;

    private final LoadOptions options;
    private final LoadBuffers buffers;
    /** Null when the run sends no STARTTLS. */
    private final SslContext tls;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger nextMessage = new AtomicInteger();
    /** Sessions open or about to be opened; the run is over when it drops to zero. */
    private final AtomicInteger activeSessions = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private final long[] latencies;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger tlsSessions = new AtomicInteger();
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicLong lastAcceptNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    /** Builds the messages, the TLS context and the event loop, so that {@link #run()} times sending alone. */
    SmtpLoadGenerator(LoadOptions options) throws SSLException {
        this.options = options;
        this.buffers = new LoadBuffers(HELO_NAME, options.from(), options.to(), BenchMessages.withDataTerminator(
                BenchMessages.build(options.content(), options.size(), options.from(), options.to(), 1)));
        this.latencies = new long[options.count()];
        this.tls = options.startTls() ? clientContext() : null;
        this.group = Transports.newEventLoopGroup(EVENT_LOOP_THREADS, "load");
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(Transports.channelClass(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
        System.err.println("SmtpLoadGenerator: transport " + (Epoll.isAvailable() ? "epoll" : "NIO")
                + ", TLS provider " + describeProvider());
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SmtpLoadGenerator: " + e.getMessage());
            System.err.println(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        // Every buffer the generator allocates is released by Netty's own handlers; sampling
        // allocations for leaks would only add CPU time to the figure being measured.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        SmtpLoadGenerator generator = new SmtpLoadGenerator(options);
        System.out.println("ready");
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (stdin.readLine() == null) {
            System.err.println("SmtpLoadGenerator: standard input closed before the start signal; nothing sent");
            System.exit(2);
        }
        Map<String, Object> result = generator.run();
        System.out.println(new ObjectMapper().writeValueAsString(result));
        System.exit(generator.failed.get() == 0 ? 0 : 1);
    }

    /**
     * Sends every message, returns the figures for the JSON line and shuts the event loop down.
     * A generator runs once.
     */
    Map<String, Object> run() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a SmtpLoadGenerator runs once; create another for a second run");
        }
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        long end;
        long cpuAfter;
        try {
            int sessions = Math.min(options.sessions(), options.count());
            activeSessions.set(sessions);
            for (int i = 0; i < sessions; i++) {
                startSessionOrEnd();
            }
            done.await();
            end = System.nanoTime();
            cpuAfter = processCpuNanos();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            buffers.release();
        }

        LatencySummary summary = new LatencySummary(latencies, accepted.get());
        double acceptSeconds = (Math.max(lastAcceptNanos.get(), start) - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("accepted", accepted.get());
        result.put("failed", failed.get());
        result.put("sessions_opened", sessionsOpened.get());
        result.put("tls_sessions", tlsSessions.get());
        result.put("accept_seconds", round(acceptSeconds, 3));
        result.put("durable_accept_per_second", acceptSeconds > 0 ? round(accepted.get() / acceptSeconds, 1) : 0.0);
        result.put("accept_p50_ms", round(summary.percentileMillis(50), 2));
        result.put("accept_p99_ms", round(summary.percentileMillis(99), 2));
        result.put("accept_max_ms", round(summary.maxMillis(), 2));
        result.put("generator_seconds", round((end - start) / 1e9, 3));
        result.put("generator_cpu_seconds", cpuBefore < 0 ? null : round((cpuAfter - cpuBefore) / 1e9, 3));
        result.put("errors", new ArrayList<>(errors));
        return result;
    }

    @Override
    public void opened() {
        sessionsOpened.incrementAndGet();
    }

    @Override
    public void tlsEstablished() {
        tlsSessions.incrementAndGet();
    }

    @Override
    public void accepted(long latencyNanos) {
        latencies[accepted.getAndIncrement()] = latencyNanos;
        lastAcceptNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    @Override
    public int claimMessage() {
        int index = nextMessage.getAndIncrement();
        return index < options.count() ? index : -1;
    }

    @Override
    public void failed(Throwable error, boolean messageInFlight) {
        if (messageInFlight) {
            failed.incrementAndGet();
        }
        if (errors.size() < MAX_ERRORS_KEPT) {
            errors.add(describe(error));
        }
    }

    /**
     * Opens a session for the next unclaimed message, or, when every message is claimed, ends
     * this session slot and the run with the last slot.
     */
    private void startSessionOrEnd() {
        int first = claimMessage();
        if (first < 0) {
            if (activeSessions.decrementAndGet() == 0) {
                done.countDown();
            }
            return;
        }
        LoadSession session = new LoadSession(buffers, this, tls, options.host(), options.port(),
                options.messagesPerSession(), options.timeout().toNanos(), first);
        ChannelFuture connect = bootstrap.clone().handler(session).connect(options.host(), options.port());
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                session.connectFailed(future.cause());
            }
        });
        // The next session starts only once this one's socket is closed, so at most
        // options.sessions() are open at once. It starts from a new task, because a connect
        // that fails at once closes the channel inside connect(), and recursion would follow.
        connect.channel().closeFuture().addListener(closed -> connect.channel().eventLoop().execute(this::startSessionOrEnd));
    }

    /** Builds the STARTTLS context: OpenSSL where netty-tcnative loads, the JDK provider otherwise. */
    private static SslContext clientContext() throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null)
                .build();
    }

    private static String describeProvider() {
        if (OpenSsl.isAvailable()) {
            return "OpenSSL (" + OpenSsl.versionString() + ")";
        }
        return "JDK (OpenSSL unavailable: " + OpenSsl.unavailabilityCause() + ")";
    }

    /**
     * Formats an error as "Type: message", with the type named by its nearest class in java,
     * javax or this project, so that Netty's internal subclasses read as the standard exception
     * (ConnectException, not AbstractChannel$AnnotatedConnectException).
     */
    static String describe(Throwable error) {
        Class<?> type = error.getClass();
        while (!isNamedType(type.getName())) {
            type = type.getSuperclass();
        }
        return type.getSimpleName() + ": " + error.getMessage();
    }

    private static boolean isNamedType(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("org.sealrelay.");
    }

    /** Returns the CPU time of this JVM in nanoseconds, or -1 when the platform does not report it. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Rounds to {@code decimals} places; NaN (no accepted message) becomes null, which JSON can carry. */
    private static Double round(double value, int decimals) {
        if (Double.isNaN(value)) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
