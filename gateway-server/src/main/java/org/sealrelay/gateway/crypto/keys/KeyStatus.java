package org.sealrelay.gateway.crypto.keys;

/** Whether a key may be used to encrypt to its owner now, and if not, why not. */
public enum KeyStatus {
    USABLE,
    EXPIRED,
    NOT_YET_VALID,
    REVOKED,
    /** No key or subkey is allowed and able to encrypt (key flags, key usage, algorithm). */
    NO_ENCRYPTION_USAGE,
    /** The key material cannot be parsed or its self-signatures do not verify. */
    INVALID
}
