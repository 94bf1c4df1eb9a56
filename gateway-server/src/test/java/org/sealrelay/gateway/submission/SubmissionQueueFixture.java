package org.sealrelay.gateway.submission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.dsn.DsnWriter;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.gateway.testing.TempDirectories;
import org.sealrelay.policy.DomainTlsPolicy;
import org.sealrelay.policy.TlsLevel;

/**
 * A JUnit extension that gives each test a file spool in a temporary folder, a queue manager
 * whose delivery agent never finishes (so accepted messages stay queued for the assertions) and
 * a single-thread executor for submissions. After each test, passed or failed, it stops the
 * executor, closes the queue manager and the spool, and deletes the folder.
 */
final class SubmissionQueueFixture implements BeforeEachCallback, AfterEachCallback {
    private final int maxConcurrentDeliveries;
    private Path directory;
    private Spool spool;
    private QueueManager queueManager;
    private ExecutorService executor;

    /** @param maxConcurrentDeliveries the queue's {@code max-concurrent-deliveries} */
    SubmissionQueueFixture(int maxConcurrentDeliveries) {
        this.maxConcurrentDeliveries = maxConcurrentDeliveries;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("sealrelay-submission-");
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
        queueManager = new QueueManager(spool, new IdleAgent(),
                new DsnWriter(spool, new DomainTlsPolicy(TlsLevel.ENCRYPT, Map.of()), "gateway.test", Clock.systemUTC()),
                new QueueConfig(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5), maxConcurrentDeliveries),
                Clock.systemUTC());
        executor = Executors.newSingleThreadExecutor();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (executor != null) {
                executor.shutdownNow();
            }
            if (queueManager != null) {
                queueManager.close();
            }
        } finally {
            try {
                if (spool != null) {
                    spool.close();
                }
            } finally {
                TempDirectories.deleteRecursively(directory);
            }
        }
    }

    Spool spool() {
        return spool;
    }

    QueueManager queueManager() {
        return queueManager;
    }

    ExecutorService executor() {
        return executor;
    }

    /** Returns a new spool message with {@code message} written to it as US-ASCII. */
    MessageWriter written(String message) throws IOException {
        MessageWriter writer = spool.newMessage();
        byte[] octets = message.getBytes(StandardCharsets.US_ASCII);
        writer.write(octets, 0, octets.length);
        return writer;
    }

    /** A delivery agent that never finishes. */
    private static final class IdleAgent implements DeliveryAgent {
        @Override
        public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
            return new CompletableFuture<>();
        }

        @Override
        public void close() {
        }
    }
}
