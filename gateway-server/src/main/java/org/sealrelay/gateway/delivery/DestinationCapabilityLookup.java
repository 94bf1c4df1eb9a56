package org.sealrelay.gateway.delivery;

import java.util.Optional;

/** Read-only access to what recent deliveries learned about each destination domain. */
public interface DestinationCapabilityLookup {
    /** Returns the capabilities last seen for {@code domain}, or empty when none are cached. */
    Optional<DestinationCapabilities> lookup(String domain);
}
