package org.sealrelay.gateway.crypto.keys.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes sender keys from signed mail the gateway has accepted (see {@link SignedMailKeys}) and
 * records them through {@link KeyDiscovery#recordHarvested}. Work runs on one thread of its
 * own with a bounded queue, so the submission path only enqueues. When the queue is full, a
 * message is skipped and counted, because harvesting must never slow down acceptance.
 * Messages over the size limit are skipped, which bounds memory per message.
 */
public final class KeyHarvester implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyHarvester.class);
    /** Messages waiting to be read; more are skipped. */
    static final int QUEUE_CAPACITY = 256;
    /** Default largest message read whole into memory for harvesting. */
    public static final int DEFAULT_MAX_MESSAGE_OCTETS = 4 << 20;

    /** Opens the content of a committed message; may fail when it was already delivered and removed. */
    @FunctionalInterface
    public interface ContentSource {
        InputStream open() throws IOException;
    }

    private final KeyDiscovery discovery;
    private final int maxMessageOctets;
    private final ThreadPoolExecutor executor;
    private final AtomicLong skipped = new AtomicLong();

    /**
     * @param maxMessageOctets messages larger than this are not read
     * @throws IllegalArgumentException if the limit is not positive
     */
    public KeyHarvester(KeyDiscovery discovery, int maxMessageOctets) {
        if (maxMessageOctets <= 0) {
            throw new IllegalArgumentException("invalid maximum message size " + maxMessageOctets + ": expected a positive number of octets");
        }
        this.discovery = discovery;
        this.maxMessageOctets = maxMessageOctets;
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                task -> {
                    Thread thread = new Thread(task, "key-harvest-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Queues a committed message for harvesting and returns at once. Safe to call on any thread,
     * including a Netty event loop.
     *
     * @param queueId the message's queue id, recorded as the key's source location
     * @param sizeOctets the message size; larger than the limit means the message is skipped
     */
    public void offer(String queueId, long sizeOctets, ContentSource content) {
        if (sizeOctets > maxMessageOctets) {
            log.debug("queueId={} not read for keys: {} octets exceeds the harvest limit of {}", queueId, sizeOctets,
                    maxMessageOctets);
            return;
        }
        try {
            executor.execute(() -> harvest(queueId, content));
        } catch (RejectedExecutionException e) {
            long count = skipped.incrementAndGet();
            // Log the first skip and then every 1000th, so a burst cannot flood the log.
            if (count == 1 || count % 1000 == 0) {
                log.warn("queueId={} not read for keys: the harvest queue is full or closed ({} message(s) skipped so far)",
                        queueId, count);
            }
        }
    }

    /** Returns how many messages were skipped because the queue was full. */
    public long skipped() {
        return skipped.get();
    }

    private void harvest(String queueId, ContentSource content) {
        byte[] message;
        try (InputStream in = content.open()) {
            message = in.readNBytes(maxMessageOctets + 1);
        } catch (IOException e) {
            log.debug("queueId={} not read for keys: {}", queueId, e.toString());
            return;
        }
        if (message.length > maxMessageOctets) {
            return;
        }
        List<DiscoveredKey> keys;
        try {
            keys = SignedMailKeys.extract(message, queueId);
        } catch (IOException | RuntimeException e) {
            // Messages from the outside may be malformed; the class name is enough, the text may quote content.
            log.debug("queueId={} has no usable signature structure: {}", queueId, e.getClass().getSimpleName());
            return;
        }
        if (!keys.isEmpty()) {
            discovery.recordHarvested(keys);
        }
    }

    /** Stops the harvest thread; queued messages are dropped. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
