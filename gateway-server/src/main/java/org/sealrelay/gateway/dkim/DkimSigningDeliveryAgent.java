package org.sealrelay.gateway.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.sealrelay.gateway.crypto.InvalidMessageException;
import org.sealrelay.gateway.delivery.ContentSource;
import org.sealrelay.gateway.delivery.DeliveryAgent;
import org.sealrelay.gateway.delivery.DeliveryOutcome;
import org.sealrelay.gateway.delivery.DeliveryRequest;
import org.sealrelay.gateway.delivery.RecipientOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs relayed mail from the {@code dkim.sign-relayed} domains in front of an SMTP delivery
 * agent, at each delivery attempt.
 *
 * <p>Before the SMTP session starts, a hashing thread reads the content once as it will be
 * sent (after the recipient's policy edits) into a {@link MessageHasher}, which keeps only the
 * header section and the body hash. The key follows from the From domain
 * ({@link RelayedMailSigner}). The request then goes on with content that is the
 * {@code DKIM-Signature} field followed by a fresh stream of the same content, so the event
 * loop never waits for hashing. Requests of encrypting plan steps pass through unsigned: their
 * content is made while it is sent.
 *
 * <p>A message that cannot be read is deferred with 4.3.0, as the SMTP agent would defer it.
 * A message that cannot be signed (a bare CR or LF, an oversized header section) is sent
 * unsigned and logged, because the SMTP listener never accepts such a message, so it is a
 * message older than that check or a bug, not a case to hold mail for.
 */
public final class DkimSigningDeliveryAgent implements DeliveryAgent {
    private static final Logger log = LoggerFactory.getLogger(DkimSigningDeliveryAgent.class);

    private final DeliveryAgent relay;
    private final DkimSigning signing;
    private final RelayedMailSigner chooser;
    private final ExecutorService hashingThreads;

    /**
     * @param relay the agent that sends the signed request
     * @param domains the From domains whose mail is signed, lower case; each covers its subdomains
     */
    public DkimSigningDeliveryAgent(DeliveryAgent relay, DkimSigning signing, List<String> domains) {
        this.relay = relay;
        this.signing = signing;
        this.chooser = new RelayedMailSigner(signing, domains);
        AtomicInteger counter = new AtomicInteger();
        // The queue's delivery slots bound how many messages are hashed at once.
        this.hashingThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "dkim-sign-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public CompletableFuture<DeliveryOutcome> deliver(DeliveryRequest request) {
        if (request.method().encryptsContent()) {
            return relay.deliver(request);
        }
        try {
            return CompletableFuture.supplyAsync(() -> signAndDeliver(request), hashingThreads)
                    .thenCompose(Function.identity())
                    .exceptionally(error -> internalError(request, error));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(DeliveryOutcome.all(request.recipients(),
                    RecipientOutcome.Result.DEFERRED, "4.3.0 the gateway is shutting down", ""));
        }
    }

    private CompletableFuture<DeliveryOutcome> signAndDeliver(DeliveryRequest request) {
        MessageHasher.HashedMessage hashed;
        try {
            hashed = hash(request);
        } catch (InvalidMessageException e) {
            log.warn("queueId={} sent without a DKIM signature: {}", request.queueId(), e.getMessage());
            return relay.deliver(request);
        } catch (IOException e) {
            log.warn("queueId={} reading the spooled message for DKIM signing failed: {}", request.queueId(),
                    e.toString());
            return CompletableFuture.completedFuture(DeliveryOutcome.all(request.recipients(),
                    RecipientOutcome.Result.DEFERRED,
                    "4.3.0 failed to read the message content: " + e.getClass().getSimpleName(), ""));
        }
        Optional<DkimSigner> signer = chooser.signerFor(hashed.header());
        if (signer.isEmpty()) {
            return relay.deliver(request);
        }
        byte[] field = signer.get().signatureField(hashed);
        ContentSource original = request.content();
        ContentSource signed = () -> open(field, original);
        log.debug("queueId={} signed with DKIM key {}", request.queueId(), signer.get().key().recordName());
        return relay.deliver(request.withContent(signed, request.sizeOctets() + field.length));
    }

    private MessageHasher.HashedMessage hash(DeliveryRequest request) throws IOException {
        MessageHasher hasher = signing.newHasher();
        try (InputStream in = request.content().open()) {
            in.transferTo(hasher);
        }
        return hasher.finish();
    }

    private static InputStream open(byte[] field, ContentSource original) throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(field), original.open());
    }

    private static DeliveryOutcome internalError(DeliveryRequest request, Throwable error) {
        log.error("queueId={} DKIM signing before delivery failed with an internal error", request.queueId(), error);
        return DeliveryOutcome.all(request.recipients(), RecipientOutcome.Result.DEFERRED,
                "4.3.0 internal error in the DKIM signer: " + error, "");
    }

    @Override
    public void close() {
        hashingThreads.shutdownNow();
        relay.close();
    }
}
