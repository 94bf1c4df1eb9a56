package org.sealrelay.gateway.dkim;

/** The signing algorithms of a DKIM key, with the names used in signatures and key records. */
public enum DkimAlgorithm {
    /** RSASSA-PKCS1-v1_5 over SHA-256 (RFC 6376 section 3.3.1). */
    RSA_SHA256("rsa-sha256", "rsa"),
    /** PureEdDSA over the SHA-256 hash of the signed data (RFC 8463). */
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String signatureName;
    private final String keyType;

    DkimAlgorithm(String signatureName, String keyType) {
        this.signatureName = signatureName;
        this.keyType = keyType;
    }

    /** Returns the {@code a=} value of a signature. */
    public String signatureName() {
        return signatureName;
    }

    /** Returns the {@code k=} value of the key record. */
    public String keyType() {
        return keyType;
    }
}
