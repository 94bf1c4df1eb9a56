package org.sealrelay.gateway.crypto.keys.discovery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeySource;

/** One way of finding the published keys of a mail address. */
public interface KeyFinder {
    /** Returns the source that found keys are recorded with. */
    KeySource source();

    /**
     * Finds the keys published for a normalized address. Keys that do not name the address are
     * left out. The future completes with an empty list when the address has no key or when the
     * answer cannot be trusted, such as an unsigned DNS answer. It fails only for temporary
     * errors (timeouts, unreachable servers), which are cached for a shorter time.
     */
    CompletableFuture<List<DiscoveredKey>> find(String address);
}
