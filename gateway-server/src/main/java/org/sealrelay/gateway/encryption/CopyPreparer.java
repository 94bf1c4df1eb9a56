package org.sealrelay.gateway.encryption;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.sealrelay.gateway.config.EncryptionConfig;
import org.sealrelay.gateway.crypto.keys.KeyCandidate;
import org.sealrelay.gateway.crypto.keys.KeyCheck;
import org.sealrelay.gateway.crypto.keys.OpenPgpRecipientKey;
import org.sealrelay.gateway.crypto.keys.RecipientKeys;
import org.sealrelay.gateway.crypto.pgp.PgpMimeEncryptor;
import org.sealrelay.gateway.crypto.smime.ContentCipher;
import org.sealrelay.gateway.crypto.smime.SmimeEncryptor;
import org.sealrelay.policy.DeliveryMethod;

/**
 * Chooses the keys for one recipient's encrypted copy and builds its encryptor with the
 * organisation options (escrow key, signing keys, S/MIME cipher, subject placeholder).
 *
 * <p>Which keys count is the key directory's decision: a pinned key that is expired, revoked,
 * not yet valid or not allowed to encrypt comes back without an encryption key, with its
 * check, and the step is then unavailable. The reason uses enhanced code 4.7.5 (RFC 3463,
 * "cryptographic failure": a key needed was not available or not valid), which makes the
 * queue move the recipient to its next plan step.
 */
final class CopyPreparer {
    private final Function<String, RecipientKeys> keys;
    private final EncryptionConfig config;
    private final Clock clock;

    /** @param keys looks up a recipient address in the key directory */
    CopyPreparer(Function<String, RecipientKeys> keys, EncryptionConfig config, Clock clock) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
    }

    PreparedCopy prepare(DeliveryMethod method, String recipient, String domain) {
        RecipientKeys found;
        try {
            found = keys.apply(recipient);
        } catch (IllegalArgumentException e) {
            return new PreparedCopy.Unavailable("4.7.5 recipient address cannot be looked up in the key directory");
        }
        return switch (method) {
            case PGP -> preparePgp(found);
            case SMIME -> prepareSmime(found, domain);
            case TLS -> throw new IllegalArgumentException("a tls step does not encrypt the content");
        };
    }

    private PreparedCopy preparePgp(RecipientKeys found) {
        Optional<PGPPublicKey> key = found.openPgpEncryptionKey();
        if (key.isEmpty()) {
            return unavailable("OpenPGP key", found.openPgp());
        }
        String fingerprint = found.openPgp().map(candidate -> candidate.entry().fingerprint()).orElse("unknown");
        Instant now = clock.instant();
        StringBuilder details = new StringBuilder();
        PgpMimeEncryptor.Builder builder = PgpMimeEncryptor.builder()
                .subjectPlaceholder(config.subjectPlaceholder());
        try {
            builder.recipient(key.get());
            if (config.escrowKey().isPresent()) {
                OpenPgpRecipientKey escrow = config.escrowKey().get();
                KeyCheck check = escrow.check(now);
                if (!check.isUsable()) {
                    // Escrow is the organisation's rule for every copy, so no copy goes without it.
                    return new PreparedCopy.Unavailable("4.7.5 the escrow key " + escrow.fingerprint()
                            + " is not usable (" + check.status() + "): " + check.detail());
                }
                builder.escrow(escrow.encryptionKey(now));
                details.append(" escrow=").append(escrow.fingerprint());
            }
        } catch (IllegalArgumentException e) {
            return new PreparedCopy.Unavailable("4.7.5 OpenPGP key " + fingerprint + " cannot encrypt: " + e.getMessage());
        }
        if (config.pgpSigningKey().isPresent()) {
            builder.signWith(config.pgpSigningKey().get());
            details.append(" signed=yes");
        }
        return new PreparedCopy.Ready(builder.build()::encrypt, fingerprint, details.toString().strip());
    }

    private PreparedCopy prepareSmime(RecipientKeys found, String domain) {
        Optional<X509Certificate> certificate = found.smimeCertificate();
        if (certificate.isEmpty()) {
            return unavailable("S/MIME certificate", found.smime());
        }
        String fingerprint = found.smime().map(candidate -> candidate.entry().fingerprint()).orElse("unknown");
        ContentCipher cipher = config.contentCipherFor(domain);
        SmimeEncryptor.Builder builder = SmimeEncryptor.builder()
                .recipient(certificate.get())
                .contentCipher(cipher)
                .rsaKeyTransport(config.rsaKeyTransport())
                .subjectPlaceholder(config.subjectPlaceholder());
        StringBuilder details = new StringBuilder("cipher=").append(cipher.smimeType());
        if (config.smimeSigningKey().isPresent()) {
            builder.signWith(config.smimeSigningKey().get());
            details.append(" signed=yes");
        }
        return new PreparedCopy.Ready(builder.build()::encrypt, fingerprint, details.toString());
    }

    private static PreparedCopy unavailable(String kind, Optional<KeyCandidate> pinned) {
        if (pinned.isEmpty()) {
            return new PreparedCopy.Unavailable("4.7.5 no " + kind + " for the recipient in the key directory");
        }
        KeyCheck check = pinned.get().check();
        return new PreparedCopy.Unavailable("4.7.5 the recipient's " + kind + " " + pinned.get().entry().fingerprint()
                + " is not usable (" + check.status() + "): " + check.detail());
    }
}
