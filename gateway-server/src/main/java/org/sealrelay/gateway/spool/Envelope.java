package org.sealrelay.gateway.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The SMTP envelope of a spooled message with per-recipient state. Immutable: a state change
 * returns a new envelope, which the queue manager writes back with {@link Spool#update}.
 *
 * @param id queue id
 * @param reversePath MAIL FROM address without angle brackets; empty for the null reverse-path
 * @param recipients recipients in RCPT order
 * @param eightBitMime whether the client declared BODY=8BITMIME
 * @param clientAddress IP address of the SMTP client
 * @param clientHelo EHLO or HELO argument
 * @param receivedAt when the end of data was received
 * @param sizeOctets content size in octets, including the added Received header
 * @param held whether an administrator put the message on hold; the queue manager makes no
 *     delivery attempt for a held message until it is released
 * @param delayNotified whether the sender was sent a delay notice for this message
 * @param options SMTPUTF8, REQUIRETLS and DSN parameters given with MAIL FROM
 */
public record Envelope(
        QueueId id,
        String reversePath,
        List<EnvelopeRecipient> recipients,
        boolean eightBitMime,
        String clientAddress,
        String clientHelo,
        Instant receivedAt,
        long sizeOctets,
        boolean held,
        boolean delayNotified,
        TransactionOptions options) {
    public Envelope {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reversePath, "reversePath");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(clientHelo, "clientHelo");
        Objects.requireNonNull(receivedAt, "receivedAt");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("envelope " + id + " has no recipients");
        }
    }

    /** Creates an envelope that is not on hold, as every newly received message is. */
    public Envelope(QueueId id, String reversePath, List<EnvelopeRecipient> recipients, boolean eightBitMime,
            String clientAddress, String clientHelo, Instant receivedAt, long sizeOctets) {
        this(id, reversePath, recipients, eightBitMime, clientAddress, clientHelo, receivedAt, sizeOctets, false,
                false, TransactionOptions.NONE);
    }

    /** Creates an envelope without transaction options. */
    public Envelope(QueueId id, String reversePath, List<EnvelopeRecipient> recipients, boolean eightBitMime,
            String clientAddress, String clientHelo, Instant receivedAt, long sizeOctets, boolean held,
            boolean delayNotified) {
        this(id, reversePath, recipients, eightBitMime, clientAddress, clientHelo, receivedAt, sizeOctets, held,
                delayNotified, TransactionOptions.NONE);
    }

    /** Returns a copy with one recipient replaced by address. */
    public Envelope withRecipient(EnvelopeRecipient updated) {
        List<EnvelopeRecipient> copy = new ArrayList<>(recipients.size());
        boolean found = false;
        for (EnvelopeRecipient recipient : recipients) {
            if (!found && recipient.address().equals(updated.address())) {
                copy.add(updated);
                found = true;
            } else {
                copy.add(recipient);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("envelope " + id + " has no recipient " + updated.address());
        }
        return new Envelope(id, reversePath, copy, eightBitMime, clientAddress, clientHelo, receivedAt, sizeOctets,
                held, delayNotified, options);
    }

    /** Returns a copy with the hold state set. */
    public Envelope withHeld(boolean newHeld) {
        return new Envelope(id, reversePath, recipients, eightBitMime, clientAddress, clientHelo, receivedAt,
                sizeOctets, newHeld, delayNotified, options);
    }

    /** Returns a copy marked as having had its delay notice. */
    public Envelope asDelayNotified() {
        return new Envelope(id, reversePath, recipients, eightBitMime, clientAddress, clientHelo, receivedAt,
                sizeOctets, held, true, options);
    }

    /** Returns the recipients still waiting for delivery. */
    public List<EnvelopeRecipient> pending() {
        List<EnvelopeRecipient> pending = new ArrayList<>();
        for (EnvelopeRecipient recipient : recipients) {
            if (recipient.status() == RecipientStatus.PENDING) {
                pending.add(recipient);
            }
        }
        return pending;
    }

    /** Returns the recipients that failed for good and have no delivery status notification yet. */
    public List<EnvelopeRecipient> failedUnnotified() {
        List<EnvelopeRecipient> failed = new ArrayList<>();
        for (EnvelopeRecipient recipient : recipients) {
            if (recipient.status() == RecipientStatus.FAILED && !recipient.notified()) {
                failed.add(recipient);
            }
        }
        return failed;
    }

    /**
     * Returns the delivered recipients that still await a "relayed" notice: those that asked for
     * NOTIFY=SUCCESS and are not marked notified. The queue manager marks every other delivered
     * recipient notified when it records the delivery.
     *
     * <p>NOTE: envelopes written before relayed notices existed left every delivered recipient
     * unmarked, so a NOTIFY=SUCCESS recipient in such an envelope gets one relayed notice after
     * an upgrade even if its next hop offered DSN.
     */
    public List<EnvelopeRecipient> relayedUnnotified() {
        List<EnvelopeRecipient> relayed = new ArrayList<>();
        for (EnvelopeRecipient recipient : recipients) {
            if (recipient.status() == RecipientStatus.DELIVERED && !recipient.notified()
                    && recipient.dsn().wantsSuccessReport()) {
                relayed.add(recipient);
            }
        }
        return relayed;
    }

    /** Whether a failure or a relayed delivery still awaits its delivery status notification. */
    public boolean hasNotificationsDue() {
        return !failedUnnotified().isEmpty() || !relayedUnnotified().isEmpty();
    }

    /** Returns the number of recipients still waiting for delivery. */
    public int pendingCount() {
        int count = 0;
        for (EnvelopeRecipient recipient : recipients) {
            if (recipient.status() == RecipientStatus.PENDING) {
                count++;
            }
        }
        return count;
    }

    /** Whether every recipient has reached a final state. */
    public boolean isComplete() {
        return recipients.stream().allMatch(recipient -> recipient.status().isFinal());
    }
}
