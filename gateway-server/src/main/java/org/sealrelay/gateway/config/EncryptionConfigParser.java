package org.sealrelay.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sealrelay.gateway.crypto.EncryptionException;
import org.sealrelay.gateway.crypto.HeaderProtection;
import org.sealrelay.gateway.crypto.keys.KeyCheck;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyFileParser;
import org.sealrelay.gateway.crypto.keys.OpenPgpRecipientKey;
import org.sealrelay.gateway.crypto.keys.RecipientKey;
import org.sealrelay.gateway.crypto.pgp.PgpSigningKey;
import org.sealrelay.gateway.crypto.smime.ContentCipher;
import org.sealrelay.gateway.crypto.smime.RsaKeyTransport;
import org.sealrelay.gateway.crypto.smime.SmimeSigningKey;
import org.sealrelay.gateway.crypto.smime.SmimeSigningKeyFiles;
import org.sealrelay.policy.TlsLevel;

/**
 * Reads the {@code encryption} section. Key files are read here, so that a missing file, a
 * wrong passphrase or an unusable key is reported at {@code file:line:column} of its setting.
 */
final class EncryptionConfigParser {
    private static final Map<String, ContentCipher> CIPHERS = Map.of(
            "aes-256-cbc", ContentCipher.AES256_CBC,
            "aes-256-gcm", ContentCipher.AES256_GCM);
    private static final Map<String, RsaKeyTransport> RSA_TRANSPORTS = Map.of(
            "rsaes-oaep", RsaKeyTransport.OAEP_SHA256,
            "rsaes-pkcs1-v1_5", RsaKeyTransport.PKCS1_V1_5);

    private EncryptionConfigParser() {
    }

    static EncryptionConfig parse(ConfigNode node, Instant now) throws ConfigException {
        if (node == null) {
            return EncryptionConfig.DEFAULTS;
        }
        if (node.string("keys-directory", null) != null) {
            throw node.invalid("keys-directory", "the key directory is set by keys.directory; move the value there");
        }
        TlsLevel relayLevel = tlsLevel(node, "relay-tls-level",
                node.string("relay-tls-level", EncryptionConfig.DEFAULT_RELAY_TLS_LEVEL.configName()));
        String placeholder = node.string("subject-placeholder", HeaderProtection.DEFAULT_SUBJECT_PLACEHOLDER);
        try {
            HeaderProtection.checkPlaceholder(placeholder);
        } catch (IllegalArgumentException e) {
            throw node.invalid("subject-placeholder", "invalid value '" + placeholder + "': " + e.getMessage());
        }

        ConfigNode openPgp = node.child("openpgp");
        Optional<OpenPgpRecipientKey> escrow = Optional.empty();
        Optional<PgpSigningKey> pgpSigning = Optional.empty();
        if (openPgp != null) {
            escrow = readEscrowKey(openPgp, now);
            pgpSigning = readPgpSigningKey(openPgp);
            openPgp.rejectUnknownKeys();
        }

        ConfigNode smime = node.child("smime");
        Optional<SmimeSigningKey> smimeSigning = Optional.empty();
        ContentCipher cipher = ContentCipher.AES256_CBC;
        Map<String, ContentCipher> domainCiphers = new LinkedHashMap<>();
        RsaKeyTransport rsaTransport = RsaKeyTransport.OAEP_SHA256;
        if (smime != null) {
            cipher = choice(smime, "content-cipher", smime.string("content-cipher", "aes-256-cbc"), CIPHERS);
            for (Map.Entry<String, String> entry : smime.stringMap("domain-content-ciphers").entrySet()) {
                String domain = entry.getKey().trim().toLowerCase(Locale.ROOT);
                domainCiphers.put(domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain,
                        choice(smime, "domain-content-ciphers", entry.getValue(), CIPHERS));
            }
            rsaTransport = choice(smime, "rsa-key-transport", smime.string("rsa-key-transport", "rsaes-oaep"),
                    RSA_TRANSPORTS);
            smimeSigning = readSmimeSigningKey(smime);
            smime.rejectUnknownKeys();
        }
        node.rejectUnknownKeys();
        return new EncryptionConfig(relayLevel, placeholder, escrow, pgpSigning, smimeSigning,
                cipher, domainCiphers, rsaTransport);
    }

    private static Optional<OpenPgpRecipientKey> readEscrowKey(ConfigNode node, Instant now) throws ConfigException {
        String file = node.string("escrow-key", null);
        if (file == null) {
            return Optional.empty();
        }
        List<RecipientKey> keys;
        try {
            keys = KeyFileParser.parse(readFile(node, "escrow-key", file));
        } catch (KeyDirectoryException e) {
            throw node.invalid("escrow-key", file + ": " + e.getMessage());
        }
        if (keys.size() != 1 || !(keys.get(0) instanceof OpenPgpRecipientKey key)) {
            throw node.invalid("escrow-key", file + ": expected exactly one OpenPGP public key; export only the escrow"
                    + " key with gpg --armor --export FINGERPRINT");
        }
        KeyCheck check = key.check(now);
        if (!check.isUsable()) {
            throw node.invalid("escrow-key", file + ": escrow key " + key.fingerprint() + " is not usable ("
                    + check.status() + "): " + check.detail() + "; renew it or remove escrow-key");
        }
        return Optional.of(key);
    }

    private static Optional<PgpSigningKey> readPgpSigningKey(ConfigNode node) throws ConfigException {
        String file = node.string("signing-key", null);
        String passphraseFile = node.string("signing-key-passphrase-file", null);
        if (file == null) {
            if (passphraseFile != null) {
                throw node.invalid("signing-key-passphrase-file", "set only together with signing-key");
            }
            return Optional.empty();
        }
        char[] passphrase = new char[0];
        if (passphraseFile != null) {
            // The passphrase is the file's first line, so a trailing newline is not part of it.
            String text = new String(readFile(node, "signing-key-passphrase-file", passphraseFile), StandardCharsets.UTF_8);
            passphrase = text.lines().findFirst().orElse("").toCharArray();
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return Optional.of(PgpSigningKey.read(in, passphrase));
        } catch (IOException e) {
            throw node.invalid("signing-key", "cannot read " + file + ": " + e.getMessage());
        } catch (EncryptionException e) {
            throw node.invalid("signing-key", file + ": " + e.getMessage()
                    + "; expected an OpenPGP secret key export (gpg --armor --export-secret-keys)"
                    + " and its passphrase in signing-key-passphrase-file");
        }
    }

    private static Optional<SmimeSigningKey> readSmimeSigningKey(ConfigNode node) throws ConfigException {
        String certificate = node.string("signing-certificate", null);
        String key = node.string("signing-key", null);
        if (certificate == null && key == null) {
            return Optional.empty();
        }
        if (certificate == null || key == null) {
            String missing = certificate == null ? "signing-certificate" : "signing-key";
            throw node.invalid(certificate == null ? "signing-key" : "signing-certificate",
                    "missing " + missing + ": set signing-certificate and signing-key together");
        }
        try {
            return Optional.of(SmimeSigningKeyFiles.read(Path.of(certificate), Path.of(key)));
        } catch (IOException e) {
            throw node.invalid("signing-certificate", "cannot read " + certificate + " or " + key + ": " + e.getMessage());
        } catch (EncryptionException | IllegalArgumentException e) {
            throw node.invalid("signing-certificate", e.getMessage());
        }
    }

    private static byte[] readFile(ConfigNode node, String key, String file) throws ConfigException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw node.invalid(key, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static <T> T choice(ConfigNode node, String key, String text, Map<String, T> values) throws ConfigException {
        T value = values.get(text.toLowerCase(Locale.ROOT));
        if (value == null) {
            throw node.invalid(key, "invalid value '" + text + "': expected one of "
                    + String.join(", ", values.keySet().stream().sorted().toList()));
        }
        return value;
    }

    private static TlsLevel tlsLevel(ConfigNode node, String key, String text) throws ConfigException {
        try {
            return TlsLevel.fromConfigName(text);
        } catch (IllegalArgumentException e) {
            throw node.invalid(key, e.getMessage());
        }
    }
}
