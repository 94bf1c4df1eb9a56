package org.sealrelay.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.FileSpool;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/**
 * The order of notification and removal: a message whose failure could not be notified stays
 * in the spool, with the failure recorded, until a notification is durable.
 */
class QueueManagerNotificationTest {
    @TempDir
    Path directory;

    private FileSpool spool;
    private QueueManager queue;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<QueueId> notified = new CopyOnWriteArrayList<>();
    private final List<QueueId> delayNotices = new CopyOnWriteArrayList<>();
    private final List<QueueId> relayedNotices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        spool = FileSpool.open(new SpoolConfig(directory.resolve("spool"), directory.resolve("spool.keys")));
        spool.recover();
        queue = newQueue(RecipientOutcome.Result.BOUNCED, Duration.ZERO);
    }

    private QueueManager newQueue(RecipientOutcome.Result result, Duration delayWarning) {
        DeliveryAgent agent = new DeliveryAgent() {
            @Override
            public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
                String reply = result == RecipientOutcome.Result.BOUNCED ? "550 5.1.1 unknown user"
                        : "451 4.3.0 try again later";
                return CompletableFuture.completedFuture(DeliveryOutcome.all(request.recipients(), result, reply,
                        "mx.lab.example[192.0.2.7]:25"));
            }

            @Override
            public void close() {
            }
        };
        FailureNotifier flakyNotifier = new FailureNotifier() {
            @Override
            public Envelope notifyFailure(Envelope original, List<EnvelopeRecipient> failed) throws IOException {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IOException("disk full");
                }
                notified.add(original.id());
                // Stands in for the notification: any committed message for the null reverse-path.
                return commit("", "front-desk@clinic.example");
            }

            @Override
            public Envelope notifyDelay(Envelope original, List<EnvelopeRecipient> pending, Instant retryUntil)
                    throws IOException {
                delayNotices.add(original.id());
                return commit("", "front-desk@clinic.example");
            }

            @Override
            public Envelope notifyRelayed(Envelope original, List<EnvelopeRecipient> relayed) throws IOException {
                relayedNotices.add(original.id());
                return commit("", "front-desk@clinic.example");
            }
        };
        return new QueueManager(spool, agent, flakyNotifier, new QueueConfig(Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofDays(1), 4, delayWarning), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        queue.close();
        spool.close();
    }

    @Test
    void failedNotificationKeepsMessage() throws Exception {
        failuresLeft.set(1);
        Envelope original = commit("front-desk@clinic.example", "gone@lab.example");

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> notified.contains(original.id()));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(Files.exists(directory.resolve("spool/queue/" + original.id() + ".msg"))).isFalse();
        assertThat(failuresLeft.get()).as("notifier calls beyond the failing one").isEqualTo(-1);
    }

    @Test
    void unnotifiedFailureIsWrittenToSpool() throws Exception {
        failuresLeft.set(Integer.MAX_VALUE);
        Envelope original = commit("front-desk@clinic.example", "gone@lab.example");

        queue.enqueue(original);

        // A second notifier call comes from a retry, so the first attempt's envelope update is done.
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.MAX_VALUE - failuresLeft.get() >= 2);
        queue.close();
        List<Envelope> onDisk = spool.recover();

        assertThat(onDisk).hasSize(1);
        EnvelopeRecipient recipient = onDisk.get(0).recipients().get(0);
        assertThat(recipient.status()).isEqualTo(org.sealrelay.gateway.spool.RecipientStatus.FAILED);
        assertThat(recipient.notified()).isFalse();
        assertThat(recipient.remoteMta()).isEqualTo("mx.lab.example[192.0.2.7]:25");
        assertThat(notified).isEmpty();
    }

    @Test
    void nullReversePathSkipsNotifier() throws Exception {
        Envelope original = commit("", "gone@lab.example");

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(original.id()) == null);
        assertThat(notified).isEmpty();
    }

    @Test
    void delayNoticeIsSentOnce() throws Exception {
        queue.close();
        queue = newQueue(RecipientOutcome.Result.DEFERRED, Duration.ofMillis(1));
        Envelope original = commit("front-desk@clinic.example", "slow@lab.example");

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(original.id()) >= 4);
        assertThat(delayNotices).containsExactly(original.id());
        assertThat(queue.find(original.id()).delayNotified()).isTrue();
        assertThat(notified).isEmpty();
        assertThat(relayedNotices).isEmpty();
    }

    @Test
    void noDelayNoticeWhenDisabled() throws Exception {
        queue.close();
        queue = newQueue(RecipientOutcome.Result.DEFERRED, Duration.ZERO);
        Envelope original = commit("front-desk@clinic.example", "slow@lab.example");

        queue.enqueue(original);

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(original.id()) >= 3);
        assertThat(delayNotices).isEmpty();
    }

    private int attempts(QueueId id) {
        Envelope envelope = queue.find(id);
        return envelope == null ? -1 : envelope.recipients().get(0).attempts();
    }

    private Envelope commit(String sender, String recipient) throws IOException {
        MessageWriter writer = spool.newMessage();
        byte[] content = "Subject: test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        writer.write(content, 0, content.length);
        Envelope envelope = new Envelope(writer.id(), sender,
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
