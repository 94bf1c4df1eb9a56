package org.sealrelay.gateway.submission;

import org.sealrelay.policy.RecipientCapabilities;

/**
 * Supplies the recipient facts that rules may test. Implementations answer from memory
 * (caches), because the policy runs while the client waits for its reply.
 */
@FunctionalInterface
public interface RecipientCapabilitySource {
    /** A source that knows nothing about any recipient. */
    RecipientCapabilitySource NONE = address -> RecipientCapabilities.UNKNOWN;

    /** Returns what is known about one recipient address; never null. */
    RecipientCapabilities lookup(String address);
}
