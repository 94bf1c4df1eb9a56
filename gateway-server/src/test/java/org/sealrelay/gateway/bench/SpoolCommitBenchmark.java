package org.sealrelay.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/**
 * JMH benchmark of one message's way into the spool: write the content through the sealing
 * stream, then commit (append the envelope, fsync the message file, rename it, fsync the
 * directory in a group commit) and wait for the commit. The single-thread case shows the latency of one
 * commit, the 16-thread case how commits from concurrent sessions share the disk.
 *
 * <p>The spool lives in a fresh directory under {@code java.io.tmpdir} (override with
 * {@code -Djava.io.tmpdir=DIR} to measure another disk) and is deleted after each trial. The
 * messages of an iteration are removed after it, outside the measurement, so that a fast disk
 * does not fill up with gigabytes of 100 KiB messages. The fsync cost dominates, so the figures
 * depend on the file system and device, not on the CPU.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpoolCommitBenchmark {
    /** Content size in octets. */
    @Param({"2048", "102400"})
    public int size;

    private Path directory;
    private FileSpool spool;
    private byte[] content;
    private final Queue<QueueId> committed = new ConcurrentLinkedQueue<>();

    @Setup(Level.Trial)
    public void openSpool() throws IOException {
        directory = Files.createTempDirectory("sealrelay-jmh-spool");
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
        spool.recover();
        content = new byte[size];
        new Random(42).nextBytes(content);
    }

    @TearDown(Level.Iteration)
    public void removeCommitted() throws IOException {
        QueueId id;
        while ((id = committed.poll()) != null) {
            spool.remove(id);
        }
    }

    @TearDown(Level.Trial)
    public void deleteSpool() throws IOException {
        spool.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Benchmark
    @Threads(1)
    public Object appendAndCommit() throws Exception {
        return commitOne();
    }

    @Benchmark
    @Threads(16)
    public Object appendAndCommit16Threads() throws Exception {
        return commitOne();
    }

    @Benchmark
    @Threads(20)
    public Object appendAndCommit20Threads() throws Exception {
        return commitOne();
    }

    @Benchmark
    @Threads(200)
    public Object appendAndCommit200Threads() throws Exception {
        return commitOne();
    }

    private Object commitOne() throws Exception {
        MessageWriter writer = spool.newMessage();
        // Slices of 16 KiB, the size DataReader hands to the writer.
        for (int offset = 0; offset < content.length; offset += 16 * 1024) {
            writer.write(content, offset, Math.min(16 * 1024, content.length - offset));
        }
        Envelope envelope = new Envelope(writer.id(), "sender@bench.example",
                List.of(EnvelopeRecipient.pending("recipient@bench.example", DeliveryPlan.relay(TlsLevel.NONE))),
                false, "127.0.0.1", "client.bench.example", Instant.now(), content.length);
        writer.commit(envelope).get(30, TimeUnit.SECONDS);
        committed.add(writer.id());
        return writer.id();
    }
}
