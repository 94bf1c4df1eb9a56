package org.sealrelay.policy;

import java.util.Locale;

/**
 * Transport security level required for a delivery, with the meanings Postfix gives them
 * (smtp_tls_security_level).
 *
 * <p>At {@link #ENCRYPT} and above a session that cannot reach the level must not send the
 * message: the delivery is deferred or handed to the next method of the plan.
 */
public enum TlsLevel {
    /** No TLS, even when the next hop offers STARTTLS. */
    NONE("none", false, false),
    /** STARTTLS when offered, clear text otherwise; the certificate is not checked. */
    MAY("may", false, false),
    /** STARTTLS required; the certificate is not checked, so this protects only against passive attackers. */
    ENCRYPT("encrypt", true, false),
    /** STARTTLS required with a certificate chain that validates and names the next hop. */
    VERIFY("verify", true, true),
    /**
     * DANE (RFC 7672): where the MX hosts and their TLSA records are DNSSEC-secure, STARTTLS is
     * required and the chain must match a TLSA record. Where they are insecure, the gateway falls
     * back to its configured fallback level; a bogus answer defers.
     */
    DANE("dane", true, true),
    /**
     * MTA-STS (RFC 8461): in enforce mode the MX host must match the policy and the chain must
     * validate and name it. Without a policy, the gateway falls back to its configured fallback level.
     */
    MTA_STS("mta-sts", true, true);

    private final String configName;
    private final boolean required;
    private final boolean verified;

    TlsLevel(String configName, boolean required, boolean verified) {
        this.configName = configName;
        this.required = required;
        this.verified = verified;
    }

    /** Returns the name used in configuration files and logs. */
    public String configName() {
        return configName;
    }

    /** Whether a session without TLS must not carry the message. */
    public boolean requiresTls() {
        return required;
    }

    /** Whether the peer certificate chain and host name must validate. */
    public boolean verifiesPeer() {
        return verified;
    }

    /**
     * Parses a configuration name such as {@code encrypt}.
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static TlsLevel fromConfigName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (TlsLevel level : values()) {
            if (level.configName.equals(wanted)) {
                return level;
            }
        }
        throw new IllegalArgumentException(
                "invalid TLS level '" + name + "': expected one of none, may, encrypt, verify, dane, mta-sts");
    }

    @Override
    public String toString() {
        return configName;
    }
}
