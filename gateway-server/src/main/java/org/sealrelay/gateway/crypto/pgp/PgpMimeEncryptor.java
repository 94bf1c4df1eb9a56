package org.sealrelay.gateway.crypto.pgp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;
import org.sealrelay.gateway.crypto.CrlfOutputStream;
import org.sealrelay.gateway.crypto.EncryptionException;
import org.sealrelay.gateway.crypto.HeaderProtection;
import org.sealrelay.gateway.crypto.HeaderSection;
import org.sealrelay.gateway.crypto.MimeOutput;
import org.sealrelay.gateway.crypto.UnclosableOutputStream;

/**
 * Encrypts a whole RFC 5322 message into a PGP/MIME message (RFC 3156 section 4).
 *
 * <p>Output: the outer header fields chosen by {@link HeaderProtection}, then a
 * {@code multipart/encrypted} body with the {@code application/pgp-encrypted} version part and
 * an ASCII-armored OpenPGP message. Inside it is the cryptographic payload: the original body
 * with the original header fields and {@code hp="cipher"} (RFC 9788), as one MIME entity.
 *
 * <p>The OpenPGP message is AES-256 in a Symmetrically Encrypted Integrity Protected Data
 * packet (version 1, with MDC, which GnuPG 2.2 reads), ZIP-compressed, with the session key
 * encrypted to each recipient and to the escrow key. With a signing key the payload is
 * signed and then encrypted in one OpenPGP message (RFC 3156 section 6.2).
 *
 * <p>Memory: only the header section is buffered (up to {@code maxHeaderBytes}); the body
 * streams through fixed-size buffers, so the heap needed does not grow with the message.
 * Instances are immutable and may be shared between threads.
 */
public final class PgpMimeEncryptor {
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    private static final int BUFFER_SIZE = 1 << 16;

    private final List<PGPPublicKey> recipients;
    private final Optional<PgpSigningKey> signingKey;
    private final String subjectPlaceholder;
    private final int maxHeaderBytes;
    private final SecureRandom random = new SecureRandom();

    private PgpMimeEncryptor(Builder builder) {
        this.recipients = List.copyOf(builder.recipients);
        this.signingKey = Optional.ofNullable(builder.signingKey);
        this.subjectPlaceholder = builder.subjectPlaceholder;
        this.maxHeaderBytes = builder.maxHeaderBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a message and writes its PGP/MIME form. Neither stream is closed.
     *
     * @throws org.sealrelay.gateway.crypto.InvalidMessageException if the header section is
     *     malformed or too large; nothing useful has been written then
     * @throws EncryptionException if Bouncy Castle rejects a key or fails to encrypt or sign
     */
    public void encrypt(InputStream message, OutputStream out) throws IOException, EncryptionException {
        BufferedInputStream in = new BufferedInputStream(message, BUFFER_SIZE);
        HeaderProtection protection = HeaderProtection.plan(HeaderSection.read(in, maxHeaderBytes), subjectPlaceholder);
        String boundary = MimeOutput.newBoundary();
        BufferedOutputStream target = new BufferedOutputStream(new UnclosableOutputStream(out), BUFFER_SIZE);

        MimeOutput.writeOuterHeader(target, protection);
        MimeOutput.line(target, "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";");
        MimeOutput.line(target, "\tboundary=\"" + boundary + "\"");
        MimeOutput.line(target, "");
        MimeOutput.line(target, "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156).");
        MimeOutput.line(target, "--" + boundary);
        MimeOutput.line(target, "Content-Type: application/pgp-encrypted");
        MimeOutput.line(target, "Content-Description: PGP/MIME version identification");
        MimeOutput.line(target, "");
        MimeOutput.line(target, "Version: 1");
        MimeOutput.line(target, "");
        MimeOutput.line(target, "--" + boundary);
        MimeOutput.line(target, "Content-Type: application/octet-stream; name=\"encrypted.asc\"");
        MimeOutput.line(target, "Content-Description: OpenPGP encrypted message");
        MimeOutput.line(target, "Content-Disposition: inline; filename=\"encrypted.asc\"");
        MimeOutput.line(target, "");
        try (CrlfOutputStream armorTarget = new CrlfOutputStream(target)) {
            writeOpenPgpMessage(protection, in, armorTarget);
        } catch (PGPException e) {
            throw new EncryptionException("OpenPGP encryption failed: " + e.getMessage(), e);
        }
        MimeOutput.line(target, "");
        MimeOutput.line(target, "--" + boundary + "--");
        target.flush();
    }

    private void writeOpenPgpMessage(HeaderProtection protection, InputStream body, OutputStream armorTarget)
            throws IOException, PGPException {
        ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(armorTarget);
        PGPEncryptedDataGenerator encryption = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(random)
                        .setProvider(PROVIDER));
        for (PGPPublicKey recipient : recipients) {
            encryption.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(recipient)
                    .setProvider(PROVIDER)
                    .setSecureRandom(random));
        }
        OutputStream encrypted = encryption.open(armor, new byte[BUFFER_SIZE]);
        PGPCompressedDataGenerator compression = new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZIP);
        OutputStream compressed = compression.open(encrypted, new byte[BUFFER_SIZE]);

        PGPSignatureGenerator signer = null;
        if (signingKey.isPresent()) {
            PgpSigningKey key = signingKey.get();
            signer = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(key.publicKey().getAlgorithm(), HashAlgorithmTags.SHA256).setProvider(PROVIDER),
                    key.publicKey());
            signer.init(PGPSignature.BINARY_DOCUMENT, key.privateKey());
            signer.generateOnePassVersion(false).encode(compressed);
        }

        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        OutputStream literalOut = literal.open(compressed, PGPLiteralData.BINARY, "", PGPLiteralData.NOW, new byte[BUFFER_SIZE]);
        OutputStream payload = signer == null ? literalOut : new SigningOutputStream(literalOut, signer);
        protection.writePayloadHeader(payload);
        body.transferTo(payload);
        literal.close();

        if (signer != null) {
            signer.generate().encode(compressed);
        }
        compression.close();
        encryption.close();
        armor.close();
    }

    /** Feeds every byte written to the signature generator as well. */
    private static final class SigningOutputStream extends OutputStream {
        private final OutputStream out;
        private final PGPSignatureGenerator signer;

        SigningOutputStream(OutputStream out, PGPSignatureGenerator signer) {
            this.out = out;
            this.signer = signer;
        }

        @Override
        public void write(int b) throws IOException {
            signer.update((byte) b);
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            signer.update(bytes, offset, length);
            out.write(bytes, offset, length);
        }
    }

    /** Collects recipients and options; {@link #build()} checks them. */
    public static final class Builder {
        private final List<PGPPublicKey> recipients = new ArrayList<>();
        private PgpSigningKey signingKey;
        private String subjectPlaceholder = HeaderProtection.DEFAULT_SUBJECT_PLACEHOLDER;
        private int maxHeaderBytes = HeaderSection.DEFAULT_MAX_BYTES;

        private Builder() {
        }

        /**
         * Adds a key to encrypt the session key to: a recipient's encryption key as returned
         * by the key directory.
         *
         * @throws IllegalArgumentException if the key's algorithm cannot encrypt
         */
        public Builder recipient(PGPPublicKey key) {
            Objects.requireNonNull(key, "key");
            if (!key.isEncryptionKey()) {
                throw new IllegalArgumentException("key 0x" + Long.toHexString(key.getKeyID()) + " uses algorithm "
                        + key.getAlgorithm() + ", which cannot encrypt; pass the encryption subkey");
            }
            recipients.add(key);
            return this;
        }

        /** Adds an escrow key, which can decrypt every message this encryptor writes. */
        public Builder escrow(PGPPublicKey key) {
            return recipient(key);
        }

        /** Signs the payload with the organisation key before encrypting it. */
        public Builder signWith(PgpSigningKey key) {
            this.signingKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Sets the Subject shown outside, default {@value HeaderProtection#DEFAULT_SUBJECT_PLACEHOLDER}.
         *
         * @throws IllegalArgumentException if it is not printable US-ASCII
         */
        public Builder subjectPlaceholder(String placeholder) {
            HeaderProtection.checkPlaceholder(placeholder);
            this.subjectPlaceholder = placeholder;
            return this;
        }

        /**
         * Sets the maximum size of the header section that is buffered, in bytes.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxHeaderBytes(int bytes) {
            HeaderProtection.checkMaxHeaderBytes(bytes);
            this.maxHeaderBytes = bytes;
            return this;
        }

        /** @throws IllegalStateException if no recipient was added */
        public PgpMimeEncryptor build() {
            if (recipients.isEmpty()) {
                throw new IllegalStateException("at least one recipient key is required");
            }
            return new PgpMimeEncryptor(this);
        }
    }
}
