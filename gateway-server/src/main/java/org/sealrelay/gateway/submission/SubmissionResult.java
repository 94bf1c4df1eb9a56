package org.sealrelay.gateway.submission;

import java.util.Objects;
import org.sealrelay.gateway.spool.QueueId;

/**
 * What became of a submitted message: queued under an id, or rejected with an SMTP reply for the
 * client such as {@code 554 5.7.1 Message rejected by policy}.
 */
public sealed interface SubmissionResult {
    /** The message is durable in the spool and the queue manager knows of it. */
    record Queued(QueueId id) implements SubmissionResult {
        public Queued {
            Objects.requireNonNull(id, "id");
        }
    }

    /** The message was not stored; {@code reply} is a complete reply line without CRLF. */
    record Rejected(String reply) implements SubmissionResult {
        public Rejected {
            Objects.requireNonNull(reply, "reply");
        }
    }
}
