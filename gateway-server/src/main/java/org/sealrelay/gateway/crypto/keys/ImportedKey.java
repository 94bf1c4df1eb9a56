package org.sealrelay.gateway.crypto.keys;

import java.util.List;

/**
 * The outcome of importing one key.
 *
 * @param entry the entry as stored
 * @param updated true when the fingerprint was already in the directory and its material was
 *     merged (new subkeys, signatures or revocations)
 * @param check the key's check at import time; an update is stored even when it fails, so a
 *     revocation takes effect
 * @param replacedFingerprints keys that lost an address to this one because of replace
 */
public record ImportedKey(KeyEntry entry, boolean updated, KeyCheck check, List<String> replacedFingerprints) {
    public ImportedKey {
        replacedFingerprints = List.copyOf(replacedFingerprints);
    }
}
