package org.sealrelay.gateway.crypto.keys;

/**
 * The evidence that binds a key to an address. The directory records it for the administrator
 * and the policy but does not rank keys by it, because pinning decides which key is used.
 */
public enum KeyTrust {
    /** Imported from a file or accepted with {@code sealrelay keys accept} by an administrator. */
    ADMINISTRATOR,
    /** Published in a DNS record (OPENPGPKEY or SMIMEA) whose answer validated with DNSSEC. */
    DNSSEC,
    /** Served by the address's domain over HTTPS with a PKIX-validated certificate (WKD). */
    WEB_PKI,
    /**
     * Taken from signed mail whose signature verified. This proves only that the sender has
     * the private key, not that the key belongs to the address, so it is trust on first use.
     */
    FIRST_USE
}
