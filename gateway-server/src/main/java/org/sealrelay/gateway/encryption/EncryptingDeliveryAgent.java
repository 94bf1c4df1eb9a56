package org.sealrelay.gateway.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Function;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealrelay.gateway.config.EncryptionConfig;
import org.sealrelay.gateway.crypto.HeaderSection;
import org.sealrelay.gateway.crypto.InvalidMessageException;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.sealrelay.gateway.logging.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@code pgp} and {@code smime} plan steps in front of an SMTP delivery agent and
 * passes {@code tls} steps through unchanged.
 *
 * <p>For an encrypting step the request has exactly one recipient (the queue groups them so).
 * Without a usable key the attempt ends at once with a 4.7.5 deferral and no SMTP session, so
 * the queue moves the recipient to its next step, or retries later when none is left. With a
 * key, the request goes to the SMTP agent with its content replaced by an
 * {@link EncryptedContent} of the spooled message, so the next hop only ever receives the
 * encrypted copy, and the copy's TLS level is the one the queue set for encrypted copies.
 */
public final class EncryptingDeliveryAgent implements DeliveryAgent {
    private static final Logger log = LoggerFactory.getLogger(EncryptingDeliveryAgent.class);

    private final DeliveryAgent relay;
    private final CopyPreparer preparer;
    private final ExecutorService encryptionThreads;

    EncryptingDeliveryAgent(DeliveryAgent relay, CopyPreparer preparer) {
        this.relay = relay;
        this.preparer = preparer;
        AtomicInteger counter = new AtomicInteger();
        // The queue's delivery slots bound how many copies are encrypted at once.
        this.encryptionThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "encrypt-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Wraps {@code relay}, taking recipient keys from {@code keys}, such as
     * {@code KeyDirectory::lookup} or a discovering lookup.
     */
    public static EncryptingDeliveryAgent create(DeliveryAgent relay, Function<String, RecipientKeys> keys,
            EncryptionConfig config, Clock clock) {
        return new EncryptingDeliveryAgent(relay, new CopyPreparer(keys, config, clock));
    }

    @Override
    public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
        if (!request.method().encryptsContent()) {
            return relay.deliver(request);
        }
        String method = request.method().name().toLowerCase(Locale.ROOT);
        if (request.recipients().size() != 1) {
            log.error("queueId={} {} step got {} recipients in one request; an encrypted copy has exactly one",
                    request.queueId(), method, request.recipients().size());
            return completed(request, RecipientOutcome.Result.DEFERRED,
                    "4.3.0 internal error: an encrypted copy needs exactly one recipient");
        }
        String recipient = request.recipients().get(0);

        PreparedCopy prepared = preparer.prepare(request.method(), recipient, request.domain());
        if (prepared instanceof PreparedCopy.Unavailable unavailable) {
            log.info("queueId={} to={} method={} step not usable: {}", request.queueId(), Redact.address(recipient),
                    method, unavailable.reason());
            return completed(request, RecipientOutcome.Result.DEFERRED, unavailable.reason());
        }
        PreparedCopy.Ready ready = (PreparedCopy.Ready) prepared;

        Optional<String> headerProblem = checkHeaderSection(request);
        if (headerProblem.isPresent()) {
            log.info("queueId={} to={} method={} step not usable: {}", request.queueId(), Redact.address(recipient),
                    method, headerProblem.get());
            return completed(request, RecipientOutcome.Result.DEFERRED, headerProblem.get());
        }

        EncryptedContent content = new EncryptedContent(request.content(), ready.encryptor(), encryptionThreads);
        DeliveryRequest encrypted = request.withContent(content, EncryptedContent.estimatedSize(request));
        return relay.deliver(encrypted).thenApply(outcome -> {
            logCopy(request, recipient, method, ready, outcome);
            return outcome;
        });
    }

    /**
     * Reads the header section before any connection is made, because an encryptor cannot
     * handle a malformed or oversized one, and finding out after DATA would only defer.
     *
     * @return the reason for deferring, empty when the section can be encrypted
     */
    private static Optional<String> checkHeaderSection(DeliveryRequest request) {
        try (InputStream in = request.content().open()) {
            HeaderSection.read(in, HeaderSection.DEFAULT_MAX_BYTES);
            return Optional.empty();
        } catch (InvalidMessageException e) {
            // NOTE: this is permanent for the message, but as the last step it still defers
            // until the queue lifetime ends, like any other step that cannot be met.
            return Optional.of("4.7.5 the message cannot be encrypted: " + e.getMessage());
        } catch (IOException e) {
            log.warn("queueId={} reading the spooled message before encryption failed: {}", request.queueId(),
                    e.toString());
            return Optional.of("4.3.0 failed to read the message content: " + e.getClass().getSimpleName());
        }
    }

    private static void logCopy(DeliveryRequest request, String recipient, String method, PreparedCopy.Ready ready,
            DeliveryOutcome outcome) {
        RecipientOutcome result = outcome.byRecipient().get(recipient);
        String status = result == null ? "unknown" : switch (result.result()) {
            case DELIVERED -> "sent";
            case DEFERRED -> "deferred";
            case BOUNCED -> "bounced";
        };
        log.info("queueId={} to={} method={} key={}{} relay={} status={}", request.queueId(), Redact.address(recipient),
                method, ready.keyFingerprint(), ready.details().isEmpty() ? "" : " " + ready.details(),
                outcome.nextHop().isEmpty() ? "none" : outcome.nextHop(), status);
    }

    private static CompletableFuture<DeliveryOutcome> completed(DeliveryRequest request, RecipientOutcome.Result result,
            String reply) {
        return CompletableFuture.completedFuture(DeliveryOutcome.all(request.recipients(), result, reply, ""));
    }

    @Override
    public void close() {
        encryptionThreads.shutdownNow();
        relay.close();
    }
}
