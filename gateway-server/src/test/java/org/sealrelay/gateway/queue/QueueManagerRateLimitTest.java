package org.sealrelay.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.DestinationRateLimits;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/**
 * The queue manager spaces deliveries to a rate-limited domain. The clock does not move, so the
 * reserved delays are exact, and the test checks only lower bounds on the recorded start times,
 * which a scheduler that never fires early guarantees however slow the machine is.
 */
class QueueManagerRateLimitTest {
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path directory;

    private FileSpool spool;
    private QueueManager queue;
    private final Map<String, List<Long>> startNanosByDomain = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
        spool.recover();
        DeliveryAgent agent = new DeliveryAgent() {
            @Override
            public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
                startNanosByDomain.computeIfAbsent(request.domain(), ignored -> new CopyOnWriteArrayList<>())
                        .add(System.nanoTime());
                return CompletableFuture.completedFuture(DeliveryOutcome.all(request.recipients(),
                        RecipientOutcome.Result.DELIVERED, "250 2.0.0 queued", "mx.lab.example[192.0.2.7]:25"));
            }

            @Override
            public void close() {
            }
        };
        QueueConfig config = new QueueConfig(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofDays(1), 8,
                Duration.ZERO, 20, new DestinationRateLimits(Duration.ZERO, Map.of("lab.example", INTERVAL)));
        FailureNotifier unused = new FailureNotifier() {
            @Override
            public Envelope notifyFailure(Envelope original, List<EnvelopeRecipient> failed) {
                throw new AssertionError("no recipient fails in this test");
            }

            @Override
            public Envelope notifyDelay(Envelope original, List<EnvelopeRecipient> pending, Instant retryUntil) {
                throw new AssertionError("delay notices are off in this test");
            }

            @Override
            public Envelope notifyRelayed(Envelope original, List<EnvelopeRecipient> relayed) {
                throw new AssertionError("no recipient asks for NOTIFY=SUCCESS in this test");
            }
        };
        queue = new QueueManager(spool, agent, unused, config,
                Clock.fixed(Instant.now(), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() throws IOException {
        queue.close();
        spool.close();
    }

    @Test
    void limitedDomainStartsAreSpaced() throws Exception {
        List<Envelope> messages = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            messages.add(commit("results" + i + "@lab.example"));
        }
        Envelope unlimited = commit("desk@clinic.example");
        long before = System.nanoTime();

        for (Envelope message : messages) {
            queue.enqueue(message);
        }
        queue.enqueue(unlimited);

        await().atMost(Duration.ofSeconds(20)).until(() -> queue.size() == 0);
        List<Long> starts = new ArrayList<>(startNanosByDomain.get("lab.example"));
        Collections.sort(starts);
        assertThat(starts).hasSize(4);
        for (int k = 0; k < starts.size(); k++) {
            // The k-th start had at most k earlier slots to take, so it waited at least k intervals.
            assertThat(starts.get(k) - before).as("start %d", k).isGreaterThanOrEqualTo(k * INTERVAL.toNanos());
        }
        assertThat(startNanosByDomain.get("clinic.example")).hasSize(1);
    }

    private Envelope commit(String recipient) throws IOException {
        MessageWriter writer = spool.newMessage();
        byte[] content = "Subject: test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        writer.write(content, 0, content.length);
        Envelope envelope = new Envelope(writer.id(), "front-desk@clinic.example",
                List.of(EnvelopeRecipient.pending(recipient, DeliveryPlan.relay(TlsLevel.ENCRYPT))), false,
                "192.0.2.1", "client.test", Instant.now(), content.length);
        try {
            writer.commit(envelope).get();
        } catch (Exception e) {
            throw new IOException(e);
        }
        return envelope;
    }
}
