package org.sealrelay.gateway.crypto.keys;

import java.time.Instant;
import java.util.Set;

/** A parsed recipient key of either kind, with the checks the directory applies to it. */
public sealed interface RecipientKey permits OpenPgpRecipientKey, X509RecipientKey {
    KeyKind kind();

    /**
     * Returns the pinned fingerprint in upper-case hex: the OpenPGP v4 primary key
     * fingerprint, or the SHA-256 of an X.509 certificate's DER encoding.
     */
    String fingerprint();

    /** Returns the mail addresses the key names, normalized by {@link Addresses#normalize}. */
    Set<String> addresses();

    /** Checks expiry, revocation and encryption usage at {@code now}. */
    KeyCheck check(Instant now);

    /** Returns the key in the form stored in the directory: ASCII armor or PEM. */
    byte[] encoded();
}
