package org.sealrelay.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealrelay.gateway.config.QueueConfig;
import org.sealrelay.gateway.config.SpoolConfig;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/**
 * "Relayed" notices for NOTIFY=SUCCESS (RFC 3461 section 5.2.2): due only when the next hop
 * accepted the recipient without offering DSN, written before the message leaves the spool.
 */
class QueueManagerRelayedNoticeTest {
    private static final String SENDER = "front-desk@clinic.example";
    private static final Set<DsnRequest.Notify> SUCCESS = EnumSet.of(DsnRequest.Notify.SUCCESS);

    @TempDir
    Path directory;

    private FileSpool spool;
    private QueueManager queue;
    private final List<List<String>> relayedNotices = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void openSpool() throws IOException {
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
        spool.recover();
    }

    @AfterEach
    void stop() throws IOException {
        if (queue != null) {
            queue.close();
        }
        spool.close();
    }

    @Test
    void hopWithoutDsnGetsRelayedNotice() throws Exception {
        queue = newQueue(true);
        Envelope original = commit(SENDER, Map.of("a@lab.example", SUCCESS, "b@lab.example", Set.of()));

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(relayedNotices).containsExactly(List.of("a@lab.example"));
    }

    @Test
    void hopWithDsnGetsNoNotice() throws Exception {
        queue = newQueue(false);
        Envelope original = commit(SENDER, Map.of("a@lab.example", SUCCESS));

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(relayedNotices).isEmpty();
        assertThat(spool.recover()).isEmpty();
    }

    @Test
    void withoutNotifySuccessNoNotice() throws Exception {
        queue = newQueue(true);
        Envelope original = commit(SENDER, Map.of("a@lab.example", EnumSet.of(DsnRequest.Notify.FAILURE),
                "b@lab.example", Set.of()));

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(relayedNotices).isEmpty();
    }

    @Test
    void nullReversePathGetsNoNotice() throws Exception {
        queue = newQueue(true);
        Envelope original = commit("", Map.of("a@lab.example", SUCCESS));

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(relayedNotices).isEmpty();
        assertThat(spool.recover()).isEmpty();
    }

    @Test
    void failedNoticeKeepsMessageUntilWritten() throws Exception {
        failuresLeft.set(1);
        queue = newQueue(true);
        Envelope original = commit(SENDER, Map.of("a@lab.example", SUCCESS));

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(failuresLeft.get()).as("notifier calls beyond the failing one").isEqualTo(-1);
        assertThat(relayedNotices).containsExactly(List.of("a@lab.example"));
    }

    @Test
    void unnotifiedRelayFoundAtStartIsReported() throws Exception {
        failuresLeft.set(Integer.MAX_VALUE);
        queue = newQueue(true);
        Envelope original = commit(SENDER, Map.of("a@lab.example", SUCCESS));
        queue.enqueue(original);
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.MAX_VALUE - failuresLeft.get() >= 2);
        queue.close();

        List<Envelope> onDisk = spool.recover();
        assertThat(onDisk).hasSize(1);
        EnvelopeRecipient recipient = onDisk.get(0).recipients().get(0);
        assertThat(recipient.status()).isEqualTo(org.sealrelay.gateway.spool.RecipientStatus.DELIVERED);
        assertThat(recipient.notified()).isFalse();

        failuresLeft.set(0);
        queue = newQueue(true);
        queue.recover(onDisk);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(relayedNotices).containsExactly(List.of("a@lab.example"));
    }

    private QueueManager newQueue(boolean relayedWithoutDsn) {
        DeliveryAgent agent = new DeliveryAgent() {
            @Override
            public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
                Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
                for (String recipient : request.recipients()) {
                    outcomes.put(recipient, new RecipientOutcome(RecipientOutcome.Result.DELIVERED,
                            "250 2.0.0 Ok: queued as 4XyZ", relayedWithoutDsn));
                }
                return CompletableFuture.completedFuture(new DeliveryOutcome(outcomes, "mx.lab.example[192.0.2.7]:25",
                        null, null, false));
            }

            @Override
            public void close() {
            }
        };
        FailureNotifier notifier = new FailureNotifier() {
            @Override
            public Envelope notifyFailure(Envelope original, List<EnvelopeRecipient> failed) throws IOException {
                throw new IOException("no failure expected");
            }

            @Override
            public Envelope notifyDelay(Envelope original, List<EnvelopeRecipient> pending, Instant retryUntil)
                    throws IOException {
                throw new IOException("no delay expected");
            }

            @Override
            public Envelope notifyRelayed(Envelope original, List<EnvelopeRecipient> relayed) throws IOException {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IOException("disk full");
                }
                relayedNotices.add(relayed.stream().map(EnvelopeRecipient::address).toList());
                // Stands in for the notice: a committed message that the queue then tries to deliver.
                return commit("", Map.of(SENDER, Set.of()));
            }
        };
        return new QueueManager(spool, agent, notifier, new QueueConfig(Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofDays(1), 4), Clock.systemUTC());
    }

    private Envelope commit(String sender, Map<String, Set<DsnRequest.Notify>> recipients) throws IOException {
        MessageWriter writer = spool.newMessage();
        byte[] content = "Subject: test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        writer.write(content, 0, content.length);
        List<EnvelopeRecipient> list = new java.util.ArrayList<>();
        for (Map.Entry<String, Set<DsnRequest.Notify>> recipient : new java.util.TreeMap<>(recipients).entrySet()) {
            list.add(EnvelopeRecipient.pending(recipient.getKey(), DeliveryPlan.relay(TlsLevel.ENCRYPT),
                    new DsnRequest(recipient.getValue(), "")));
        }
        Envelope envelope = new Envelope(writer.id(), sender, list, false, "192.0.2.1", "client.test", Instant.now(),
                content.length);
        try {
            writer.commit(envelope).get();
        } catch (Exception e) {
            throw new IOException(e);
        }
        return envelope;
    }
}
