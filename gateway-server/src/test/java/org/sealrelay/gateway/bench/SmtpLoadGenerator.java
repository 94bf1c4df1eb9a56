package org.sealrelay.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * SMTP load generator for {@code scripts/bench}: sends N messages over S concurrent sessions,
 * with STARTTLS when asked, and measures per message the accept latency, from the last octet
 * of the ".CRLF" that ends DATA to the 250 reply. The durable-accept rate is the number of 250
 * replies to end of data divided by the time from the start signal to the last of them, so it
 * shows how fast the server acknowledges mail, whatever happens to delivery afterwards.
 *
 * <p>Run with the gateway-server test classpath; {@link LoadOptions#USAGE} lists the options.
 * Standard output carries "ready", then one JSON line; errors go to standard error.
 *
 * <p>STARTTLS accepts any server certificate: this is a measuring tool for loopback runs,
 * never a mail client.
 */
public final class SmtpLoadGenerator {
    /** Failure texts kept for the JSON line; the rest are counted only. */
    private static final int MAX_ERRORS_KEPT = 5;
    private static final String HELO_NAME = "source.bench.example";

    private final LoadOptions options;
    private final List<byte[]> messages;
    private final SSLSocketFactory tlsFactory;
    private final AtomicInteger nextMessage = new AtomicInteger();
    private final long[] latencies;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger tlsSessions = new AtomicInteger();
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicLong lastAcceptNanos = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    SmtpLoadGenerator(LoadOptions options) throws Exception {
        this.options = options;
        this.messages = BenchMessages.withDataTerminator(
                BenchMessages.build(options.content(), options.size(), options.from(), options.to(), 1));
        this.latencies = new long[options.count()];
        if (options.startTls()) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), new SecureRandom());
            tlsFactory = context.getSocketFactory();
        } else {
            tlsFactory = null;
        }
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

    /** Sends every message and returns the figures for the JSON line. */
    Map<String, Object> run() throws InterruptedException {
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        int threads = Math.min(options.sessions(), options.count());
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> {
                try {
                    runSessions();
                } finally {
                    done.countDown();
                }
            }, "load-" + i);
            thread.start();
        }
        done.await();
        long end = System.nanoTime();
        long cpuAfter = processCpuNanos();

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

    /** Claims messages until none are left, opening a new session for each batch of messages-per-session. */
    private void runSessions() {
        while (true) {
            int first = nextMessage.getAndIncrement();
            if (first >= options.count()) {
                return;
            }
            runSession(first);
        }
    }

    private void runSession(int first) {
        int index = first;
        // True from the moment a message is claimed until the server has accepted it.
        boolean inFlight = true;
        int sent = 0;
        LoadSession session = null;
        try {
            session = LoadSession.open(options.host(), options.port(), options.timeout(), HELO_NAME);
            sessionsOpened.incrementAndGet();
            if (tlsFactory != null) {
                session.startTls(tlsFactory, options.host(), options.port());
                tlsSessions.incrementAndGet();
            }
            while (true) {
                long latency = session.send(options.from(), options.to(), messages.get(index % messages.size()));
                inFlight = false;
                latencies[accepted.getAndIncrement()] = latency;
                lastAcceptNanos.accumulateAndGet(System.nanoTime(), Math::max);
                sent++;
                if (sent >= options.messagesPerSession()) {
                    break;
                }
                index = nextMessage.getAndIncrement();
                if (index >= options.count()) {
                    break;
                }
                inFlight = true;
            }
            session.quit();
        } catch (IOException | RuntimeException e) {
            if (inFlight) {
                failed.incrementAndGet();
            }
            if (errors.size() < MAX_ERRORS_KEPT) {
                errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (IOException e) {
                    // The session is over either way; a failed close changes no figure.
                }
            }
        }
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
