package org.sealrelay.gateway.crypto.keys;

import java.util.Objects;

/**
 * A key that discovery or harvesting found for one address, before the directory decides
 * whether to pin it.
 *
 * @param key the parsed key
 * @param address the normalized address it was found for
 * @param source where it was found
 * @param location the URL, DNS name or queue id it came from, without the address's local
 *     part, so that it can be stored and shown
 */
public record DiscoveredKey(RecipientKey key, String address, KeySource source, String location) {
    public DiscoveredKey {
        Objects.requireNonNull(key, "key");
        address = Addresses.normalize(address);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(location, "location");
        if (source == KeySource.FILE) {
            throw new IllegalArgumentException("a file import is not a discovery; use KeyDirectory.importFile");
        }
    }
}
