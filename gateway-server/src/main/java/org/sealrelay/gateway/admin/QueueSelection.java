package org.sealrelay.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.EnvelopeRecipient;
import org.sealrelay.gateway.spool.QueueId;

/**
 * The criteria that select queued messages for an admin request. A message must match every
 * criterion that is set.
 *
 * @param ids explicit queue ids; empty for no id criterion
 * @param domain a recipient domain, matched exactly and case-insensitively; null for none
 * @param replyText text that the last reply of some recipient contains, case-insensitively;
 *     null for none
 * @param olderThan minimum time in the queue; null for none
 * @param all whether a request without other criteria means every message
 */
public record QueueSelection(List<QueueId> ids, String domain, String replyText, Duration olderThan, boolean all) {
    public QueueSelection {
        ids = List.copyOf(ids);
        domain = domain == null ? null : domain.toLowerCase(Locale.ROOT);
        replyText = replyText == null ? null : replyText.toLowerCase(Locale.ROOT);
    }

    /** Returns whether no criterion is set and {@code all} is false, so the selection matches nothing. */
    public boolean isEmpty() {
        return ids.isEmpty() && domain == null && replyText == null && olderThan == null && !all;
    }

    /** Returns whether the message matches every criterion that is set. */
    public boolean matches(Envelope envelope, Instant now) {
        if (isEmpty()) {
            return false;
        }
        if (!ids.isEmpty() && !ids.contains(envelope.id())) {
            return false;
        }
        if (olderThan != null && envelope.receivedAt().isAfter(now.minus(olderThan))) {
            return false;
        }
        if (domain != null && envelope.recipients().stream().noneMatch(r -> r.domain().equals(domain))) {
            return false;
        }
        return replyText == null || envelope.recipients().stream().anyMatch(this::replyMatches);
    }

    private boolean replyMatches(EnvelopeRecipient recipient) {
        return recipient.lastReply().toLowerCase(Locale.ROOT).contains(replyText);
    }
}
