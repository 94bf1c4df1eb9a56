package org.sealrelay.gateway.crypto.smime;

/** Key transport algorithm for recipients with an RSA certificate. */
public enum RsaKeyTransport {
    /** RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 4055). The default. */
    OAEP_SHA256,
    /**
     * RSAES-PKCS1-v1_5, which RFC 8551 section 2.3 still requires receivers to support. Only
     * for recipients whose software cannot read OAEP: OpenSSL 3.0's {@code openssl smime}
     * (the PKCS#7 code path) is one, where {@code openssl cms} reads both.
     */
    PKCS1_V1_5
}
