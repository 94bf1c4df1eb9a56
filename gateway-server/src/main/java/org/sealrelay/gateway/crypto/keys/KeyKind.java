package org.sealrelay.gateway.crypto.keys;

/** The two kinds of recipient key; an address may have one pinned key of each kind. */
public enum KeyKind {
    /** An OpenPGP transferable public key (RFC 4880 section 11.1), used for PGP/MIME. */
    OPENPGP("openpgp", ".asc"),
    /** An X.509 certificate, used for S/MIME. */
    X509("x509", ".pem");

    private final String label;
    private final String fileSuffix;

    KeyKind(String label, String fileSuffix) {
        this.label = label;
        this.fileSuffix = fileSuffix;
    }

    /** Returns the lower-case name used in file names and command output. */
    public String label() {
        return label;
    }

    String fileSuffix() {
        return fileSuffix;
    }

    static KeyKind fromLabel(String label) {
        for (KeyKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown key kind: expected openpgp or x509; got " + label);
    }
}
