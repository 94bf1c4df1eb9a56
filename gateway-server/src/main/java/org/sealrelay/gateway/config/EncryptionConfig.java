package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sealrelay.gateway.crypto.HeaderProtection;
import org.sealrelay.gateway.crypto.keys.OpenPgpRecipientKey;
import org.sealrelay.gateway.crypto.pgp.PgpSigningKey;
import org.sealrelay.gateway.crypto.smime.ContentCipher;
import org.sealrelay.gateway.crypto.smime.RsaKeyTransport;
import org.sealrelay.gateway.crypto.smime.SmimeSigningKey;
import org.sealrelay.policy.TlsLevel;

/**
 * Settings for the {@code pgp} and {@code smime} plan steps. The organisation keys are read
 * and checked when the configuration is loaded, so a wrong path or passphrase stops the start.
 *
 * @param relayTlsLevel TLS level at which encrypted copies are relayed
 * @param subjectPlaceholder Subject shown outside an encrypted message (RFC 9788)
 * @param escrowKey organisation OpenPGP key that every PGP/MIME copy is also encrypted to
 * @param pgpSigningKey organisation key that signs every PGP/MIME payload
 * @param smimeSigningKey organisation certificate and key that sign every S/MIME payload
 * @param smimeContentCipher S/MIME content encryption for domains without their own entry
 * @param smimeDomainCiphers content encryption by recipient domain; an entry covers its
 *     subdomains and the longest match wins
 * @param rsaKeyTransport key transport for recipients with an RSA certificate
 */
public record EncryptionConfig(
        TlsLevel relayTlsLevel,
        String subjectPlaceholder,
        Optional<OpenPgpRecipientKey> escrowKey,
        Optional<PgpSigningKey> pgpSigningKey,
        Optional<SmimeSigningKey> smimeSigningKey,
        ContentCipher smimeContentCipher,
        Map<String, ContentCipher> smimeDomainCiphers,
        RsaKeyTransport rsaKeyTransport) {
    /**
     * The encrypted content is protected end to end, so the default relays it with STARTTLS
     * when offered and in clear otherwise. Without TLS, only the envelope and the outer header
     * fields are visible.
     */
    public static final TlsLevel DEFAULT_RELAY_TLS_LEVEL = TlsLevel.MAY;

    public static final EncryptionConfig DEFAULTS = new EncryptionConfig(
            DEFAULT_RELAY_TLS_LEVEL, HeaderProtection.DEFAULT_SUBJECT_PLACEHOLDER, Optional.empty(),
            Optional.empty(), Optional.empty(), ContentCipher.AES256_CBC, Map.of(), RsaKeyTransport.OAEP_SHA256);

    public EncryptionConfig {
        Objects.requireNonNull(relayTlsLevel, "relayTlsLevel");
        HeaderProtection.checkPlaceholder(subjectPlaceholder);
        Objects.requireNonNull(escrowKey, "escrowKey");
        Objects.requireNonNull(pgpSigningKey, "pgpSigningKey");
        Objects.requireNonNull(smimeSigningKey, "smimeSigningKey");
        Objects.requireNonNull(smimeContentCipher, "smimeContentCipher");
        smimeDomainCiphers = Map.copyOf(smimeDomainCiphers);
        Objects.requireNonNull(rsaKeyTransport, "rsaKeyTransport");
    }

    /** Returns the S/MIME content encryption for a recipient domain. */
    public ContentCipher contentCipherFor(String domain) {
        String candidate = domain.toLowerCase(Locale.ROOT);
        while (true) {
            ContentCipher cipher = smimeDomainCiphers.get(candidate);
            if (cipher != null) {
                return cipher;
            }
            int dot = candidate.indexOf('.');
            if (dot < 0) {
                return smimeContentCipher;
            }
            candidate = candidate.substring(dot + 1);
        }
    }
}
