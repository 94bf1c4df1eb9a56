package org.sealrelay.gateway.crypto.smime;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/** The content encryption of an S/MIME message. */
public enum ContentCipher {
    /**
     * AES-256-CBC in EnvelopedData (RFC 5652 section 6). The default, because every deployed
     * S/MIME client reads it.
     */
    AES256_CBC(CMSAlgorithm.AES256_CBC, "enveloped-data"),
    /**
     * AES-256-GCM in AuthEnvelopedData (RFC 5083), the RFC 8551 preference. Several deployed
     * clients cannot open it, so use it only for recipients known to support it.
     */
    AES256_GCM(CMSAlgorithm.AES256_GCM, "authEnveloped-data");

    private final ASN1ObjectIdentifier algorithm;
    private final String smimeType;

    ContentCipher(ASN1ObjectIdentifier algorithm, String smimeType) {
        this.algorithm = algorithm;
        this.smimeType = smimeType;
    }

    ASN1ObjectIdentifier algorithm() {
        return algorithm;
    }

    /** Returns the smime-type parameter value (RFC 8551 section 3.2.2). */
    public String smimeType() {
        return smimeType;
    }
}
