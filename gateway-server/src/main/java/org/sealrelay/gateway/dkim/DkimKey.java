package org.sealrelay.gateway.dkim;

import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * One signing key: the private key, the domain ({@code d=}) and selector ({@code s=}) it signs
 * as, and the public key data that its DNS record publishes. {@link #toString()} names the key
 * only, never its material.
 */
public final class DkimKey {
    private final String domain;
    private final String selector;
    private final DkimService service;
    private final DkimAlgorithm algorithm;
    private final AsymmetricKeyParameter privateKey;
    private final byte[] publicKeyData;

    /**
     * @param domain the signing domain, stored in lower case
     * @param selector the selector under {@code _domainkey.DOMAIN}
     * @param service the mail the key may sign
     * @param material the private key and its public key data, from {@link DkimKeyFile#read}
     */
    public DkimKey(String domain, String selector, DkimService service, DkimKeyFile.Material material) {
        this.domain = Objects.requireNonNull(domain, "domain").toLowerCase(Locale.ROOT);
        this.selector = Objects.requireNonNull(selector, "selector");
        this.service = Objects.requireNonNull(service, "service");
        this.algorithm = material.algorithm();
        this.privateKey = material.privateKey();
        this.publicKeyData = material.publicKeyData();
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public DkimService service() {
        return service;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** Returns whether this key may sign mail from {@code fromDomain} (lower case): its domain or a subdomain. */
    public boolean covers(String fromDomain) {
        return fromDomain.equals(domain) || fromDomain.endsWith("." + domain);
    }

    /** Returns the DNS name of the key record, {@code SELECTOR._domainkey.DOMAIN}. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /**
     * Returns the text of the key record (RFC 6376 section 3.6.1), for example
     * {@code v=DKIM1; k=ed25519; p=...}. The {@code p=} value is the raw 32-octet public key for
     * Ed25519 (RFC 8463) and the DER SubjectPublicKeyInfo for RSA, which is what
     * {@code openssl rsa -pubout} prints and what verifiers accept.
     */
    public String recordText() {
        StringBuilder text = new StringBuilder("v=DKIM1; k=").append(algorithm.keyType());
        if (!service.recordValue().isEmpty()) {
            text.append("; s=").append(service.recordValue());
        }
        text.append("; p=").append(Base64.getEncoder().encodeToString(publicKeyData));
        return text.toString();
    }

    @Override
    public String toString() {
        return "DkimKey[" + algorithm.signatureName() + " " + recordName() + "]";
    }
}
