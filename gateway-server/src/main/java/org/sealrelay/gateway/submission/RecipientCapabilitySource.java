package org.sealrelay.gateway.submission;

import org.sealrelay.policy.RecipientCapabilities;

/**
 * Supplies the recipient facts that rules may test. Implementations look facts up in memory
 * (caches), because the policy runs while the client waits for its reply.
 */
@FunctionalInterface
public interface RecipientCapabilitySource {
    /** A source without facts about any recipient. */
    RecipientCapabilitySource NONE = address -> RecipientCapabilities.UNKNOWN;

    /** Returns what is known about one recipient address; never null. */
    RecipientCapabilities lookup(String address);
}
