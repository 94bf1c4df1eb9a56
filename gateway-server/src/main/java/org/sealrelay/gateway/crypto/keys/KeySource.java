package org.sealrelay.gateway.crypto.keys;

import java.util.Locale;

/**
 * The origin of a key in the directory. The entry's source text starts with the label and a
 * colon, such as {@code wkd:https://openpgpkey.lab.example/...} or {@code harvested:QUEUEID}.
 */
public enum KeySource {
    /** {@code sealrelay keys import FILE}. */
    FILE("file", KeyTrust.ADMINISTRATOR),
    /** Web Key Directory over HTTPS (draft-koch-openpgp-webkey-service). */
    WKD("wkd", KeyTrust.WEB_PKI),
    /** OPENPGPKEY record (RFC 7929), DNSSEC-validated. */
    OPENPGPKEY("openpgpkey", KeyTrust.DNSSEC),
    /** SMIMEA record (RFC 8162), DNSSEC-validated. */
    SMIMEA("smimea", KeyTrust.DNSSEC),
    /** A signed message that the gateway relayed. */
    HARVESTED("harvested", KeyTrust.FIRST_USE);

    private final String label;
    private final KeyTrust trust;

    KeySource(String label, KeyTrust trust) {
        this.label = label;
        this.trust = trust;
    }

    /** Returns the lower-case name used in source texts and command output. */
    public String label() {
        return label;
    }

    /** Returns the trust a key from this source gets until an administrator accepts it. */
    public KeyTrust trust() {
        return trust;
    }

    /** Returns the source text for a key found at {@code location}. */
    public String describe(String location) {
        return label + ":" + location;
    }

    /** Returns the source named by the label before the first colon; FILE for unknown labels. */
    static KeySource ofSourceText(String source) {
        int colon = source.indexOf(':');
        String label = (colon < 0 ? source : source.substring(0, colon)).toLowerCase(Locale.ROOT);
        for (KeySource kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        // Records written before discovery existed carry only "file:PATH" sources.
        return FILE;
    }
}
