package org.sealrelay.gateway.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of JSON lines, each ending in a MAC that chains it to the line before.
 *
 * <p>Line format: {@code {"seq":N,"time":"...","event":"...",FIELDS,"mac":"HEX"}} and LF. The
 * MAC is {@link AuditKey#chainMac} over the previous line's MAC (64 zeros before the first
 * line) and this line up to, not including, {@code ,"mac":}. So changing, removing, inserting
 * or reordering a line breaks the chain at that line. Cutting lines off the end does not, since
 * nothing follows them to notice.
 *
 * <p>Group commit: one thread writes every batch that is waiting when it gets to it, fsyncs the
 * file once, then completes the batches' futures. Callers that need an event durable before they
 * act (the 250 reply) wait for their future, and concurrent callers share the fsync.
 *
 * <p>A failed write or fsync fails every batch in that round and truncates the file back to
 * where the round started, so the chain stays intact. At open, a last line without its LF (a
 * write that a crash cut short, never acknowledged) is truncated away with a warning.
 */
public final class AuditLog implements AuditSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    static final String GENESIS_MAC = "0".repeat(64);
    static final String MAC_FIELD = ",\"mac\":\"";
    /** Bounds how far back the open looks for the last line. */
    private static final int MAX_TAIL_OCTETS = 1 << 20;

    private record Batch(List<AuditEvent> events, CompletableFuture<Void> done) {}

    private final Path file;
    private final AuditKey key;
    private final FileChannel channel;
    private final ExecutorService writer;
    private final Queue<Batch> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Written only by the writer thread, after open. */
    private String lastMac;
    private long lastSequence;

    private AuditLog(Path file, AuditKey key, FileChannel channel, String lastMac, long lastSequence) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lastMac = lastMac;
        this.lastSequence = lastSequence;
        this.writer = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "audit-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the log for appending, creating it with mode 0600 when missing, and continues the
     * chain from its last line.
     *
     * @throws IOException if the file cannot be opened or its last line is not a valid audit line
     */
    public static AuditLog open(Path file, AuditKey key) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Created meanwhile; open it below.
            }
        }
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            String last = lastCompleteLine(file, channel);
            String lastMac = GENESIS_MAC;
            long lastSequence = 0;
            if (last != null) {
                AuditLine parsed = AuditLine.parse(last).orElseThrow(() -> new IOException(file
                        + ": the last line is not a valid audit line; check the file with 'sealrelay audit verify "
                        + file + "'"));
                lastMac = parsed.mac();
                lastSequence = parsed.sequence();
            }
            channel.position(channel.size());
            return new AuditLog(file, key, channel, lastMac, lastSequence);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Returns the last line that ends in LF, after truncating an unterminated tail; null for an empty file. */
    private static String lastCompleteLine(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return null;
        }
        int length = (int) Math.min(size, MAX_TAIL_OCTETS);
        ByteBuffer tail = ByteBuffer.allocate(length);
        channel.read(tail, size - length);
        byte[] octets = tail.array();
        int end = length;
        if (octets[end - 1] != '\n') {
            int lastLf = lastIndexOf(octets, end - 1);
            long keep = lastLf < 0 ? size - length : size - length + lastLf + 1;
            log.warn("audit log {} ends with an unterminated line of {} octets, left by an interrupted write;"
                    + " truncating it", file, size - keep);
            channel.truncate(keep);
            channel.force(true);
            if (lastLf < 0) {
                return null;
            }
            end = lastLf + 1;
        }
        int start = lastIndexOf(octets, end - 2) + 1;
        if (start == 0 && size > length) {
            throw new IOException(file + ": the last line is longer than " + MAX_TAIL_OCTETS + " octets");
        }
        return new String(octets, start, end - 1 - start, StandardCharsets.US_ASCII);
    }

    private static int lastIndexOf(byte[] octets, int from) {
        for (int i = from; i >= 0; i--) {
            if (octets[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public CompletableFuture<Void> append(List<AuditEvent> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (events.isEmpty()) {
            done.complete(null);
            return done;
        }
        pending.add(new Batch(List.copyOf(events), done));
        scheduleDrain();
        return done;
    }

    private void scheduleDrain() {
        if (!drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(this::drain);
        } catch (RejectedExecutionException e) {
            drainScheduled.set(false);
            failPending(new IOException("audit log " + file + " is closed", e));
        }
    }

    private void drain() {
        try {
            List<Batch> round = new ArrayList<>();
            Batch next;
            while ((next = pending.poll()) != null) {
                round.add(next);
            }
            while (!round.isEmpty()) {
                writeRound(round);
                round.clear();
                while ((next = pending.poll()) != null) {
                    round.add(next);
                }
            }
        } finally {
            drainScheduled.set(false);
            // An append that came after the last poll but before the flag was cleared saw the
            // flag set and scheduled nothing, so look again.
            if (!pending.isEmpty()) {
                scheduleDrain();
            }
        }
    }

    private void writeRound(List<Batch> round) {
        String macBefore = lastMac;
        long sequenceBefore = lastSequence;
        long sizeBefore;
        try {
            sizeBefore = channel.size();
        } catch (IOException e) {
            fail(round, e);
            return;
        }
        try {
            StringBuilder lines = new StringBuilder(round.size() * 300);
            for (Batch batch : round) {
                for (AuditEvent event : batch.events()) {
                    lastSequence++;
                    String body = event.jsonBody(lastSequence);
                    lastMac = key.chainMac(lastMac, body);
                    lines.append(body).append(MAC_FIELD).append(lastMac).append("\"}\n");
                }
            }
            ByteBuffer buffer = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            lastMac = macBefore;
            lastSequence = sequenceBefore;
            try {
                channel.truncate(sizeBefore);
                channel.position(sizeBefore);
            } catch (IOException truncateFailure) {
                e.addSuppressed(truncateFailure);
                log.error("audit log {}: truncating a failed write failed; the chain may be broken at the end", file);
            }
            log.error("audit log {}: writing {} batch(es) failed: {}", file, round.size(), e.toString());
            fail(round, e);
            return;
        }
        for (Batch batch : round) {
            batch.done().complete(null);
        }
    }

    private static void fail(List<Batch> round, Exception failure) {
        for (Batch batch : round) {
            batch.done().completeExceptionally(failure);
        }
    }

    private void failPending(IOException failure) {
        Batch next;
        while ((next = pending.poll()) != null) {
            next.done().completeExceptionally(failure);
        }
    }

    /** Writes the batches already queued, then closes the file. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("audit log {} still writing after 10 s; closing anyway", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending(new IOException("audit log " + file + " is closed"));
        try {
            channel.close();
        } catch (IOException e) {
            log.error("closing audit log {} failed: {}", file, e.toString());
        }
    }
}
