package org.sealrelay.gateway.submission;

import org.sealrelay.gateway.spool.Envelope;

/**
 * A receiver of each message after it is durable in the spool and handed to the queue manager.
 * It runs on the thread that completed the commit, which may be an event loop, so an
 * implementation must only hand the work to its own executor and return.
 */
@FunctionalInterface
public interface CommittedMessageListener {
    /** Ignores every message. */
    CommittedMessageListener NONE = envelope -> { };

    void committed(Envelope envelope);
}
