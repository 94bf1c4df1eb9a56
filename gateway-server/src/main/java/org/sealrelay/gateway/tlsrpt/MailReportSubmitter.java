package org.sealrelay.gateway.tlsrpt;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sealrelay.gateway.dkim.DkimSigner;
import org.sealrelay.gateway.queue.QueueManager;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.Spool;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.TlsLevel;

/**
 * Commits a report message into the spool and hands it to the queue manager, as delivery status
 * notifications are, so that it is retried and bounced like any other message.
 *
 * <p>The envelope has the null reverse-path, so that a report to a dead address produces no
 * bounce that could loop back. The recipient's plan is a relay at {@code may}, because RFC 8460
 * requires reports to be delivered despite TLS failures, and a report contains no message
 * content; a published MTA-STS policy still tightens {@code may} as for any message.
 *
 * <p>With a signer, each report is DKIM-signed before it is stored, as RFC 8460 requires of
 * reports sent by mail. A report that cannot be signed is not stored, because
 * receivers may discard unsigned reports.
 */
public final class MailReportSubmitter {
    /** Commits are local fsyncs; a minute means the disk is failing. */
    private static final long COMMIT_TIMEOUT_SECONDS = 60;

    private final Spool spool;
    private final QueueManager queue;
    private final String hostname;
    private final Optional<DkimSigner> signer;

    /** Creates a submitter that stores reports unsigned. */
    public MailReportSubmitter(Spool spool, QueueManager queue, String hostname) {
        this(spool, queue, hostname, Optional.empty());
    }

    /** @param signer the signer for the domain of the reports' From address, if it has a key */
    public MailReportSubmitter(Spool spool, QueueManager queue, String hostname, Optional<DkimSigner> signer) {
        this.spool = spool;
        this.queue = queue;
        this.hostname = hostname;
        this.signer = signer;
    }

    /** Returns the signer of the reports, if any. */
    public Optional<DkimSigner> signer() {
        return signer;
    }

    /**
     * Commits {@code message} for {@code recipient} and enqueues it.
     *
     * @return the committed envelope
     * @throws IOException if the message cannot be signed or committed; nothing of it then remains in the spool
     */
    public Envelope submit(String recipient, byte[] unsigned, Instant now) throws IOException {
        byte[] message = signer.isPresent() ? signer.get().sign(unsigned) : unsigned;
        MessageWriter writer = spool.newMessage();
        Envelope envelope;
        try {
            writer.write(message, 0, message.length);
            envelope = new Envelope(writer.id(), "",
                    List.of(EnvelopeRecipient.pending(recipient, DeliveryPlan.relay(TlsLevel.MAY))), false,
                    "127.0.0.1", hostname, now, message.length);
            writer.commit(envelope).get(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.abort();
            throw new IOException("interrupted while committing a TLS report", e);
        } catch (ExecutionException | TimeoutException e) {
            writer.abort();
            throw new IOException("committing a TLS report failed: " + e, e);
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
        queue.enqueue(envelope);
        return envelope;
    }
}
