package org.sealrelay.gateway.crypto.smime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.OutputEncryptor;
import org.sealrelay.gateway.crypto.EncryptionException;
import org.sealrelay.gateway.crypto.HeaderProtection;
import org.sealrelay.gateway.crypto.HeaderSection;
import org.sealrelay.gateway.crypto.MimeOutput;
import org.sealrelay.gateway.crypto.UnclosableOutputStream;

/**
 * Encrypts a whole RFC 5322 message into an S/MIME 4.0 message (RFC 8551 section 3.3).
 *
 * <p>Output: the outer header fields chosen by {@link HeaderProtection}, then one
 * {@code application/pkcs7-mime} body in base64 holding CMS EnvelopedData (AES-256-CBC) or
 * AuthEnvelopedData (AES-256-GCM). Inside is the cryptographic payload: the original body with
 * the original header fields and {@code hp="cipher"} (RFC 9788). With a signing key the
 * payload is first wrapped in {@code multipart/signed} (RFC 8551 section 3.5.3), so the
 * signature is inside the encryption and hides the signer from observers.
 *
 * <p>Memory: only the header section and the detached signature are buffered; the body
 * streams through the CMS stream generators. Instances are immutable and may be shared.
 *
 * <p>NOTE: 8-bit payload text is signed as it arrived, without conversion to a 7-bit transfer
 * encoding. A relay that re-encodes a signed 8-bit part breaks the signature, but here the
 * signed part travels encrypted, where relays cannot change it.
 */
public final class SmimeEncryptor {
    static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    private static final int BUFFER_SIZE = 1 << 16;

    private final List<X509Certificate> recipients;
    private final ContentCipher cipher;
    private final RsaKeyTransport rsaTransport;
    private final Optional<SmimeSigningKey> signingKey;
    private final String subjectPlaceholder;
    private final int maxHeaderBytes;
    private final SecureRandom random = new SecureRandom();

    private SmimeEncryptor(Builder builder) {
        this.recipients = List.copyOf(builder.recipients);
        this.cipher = builder.cipher;
        this.rsaTransport = builder.rsaTransport;
        this.signingKey = Optional.ofNullable(builder.signingKey);
        this.subjectPlaceholder = builder.subjectPlaceholder;
        this.maxHeaderBytes = builder.maxHeaderBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a message and writes its S/MIME form. Neither stream is closed.
     *
     * @throws org.sealrelay.gateway.crypto.InvalidMessageException if the header section is
     *     malformed or too large
     * @throws EncryptionException if a recipient key is unsupported or CMS encoding fails
     */
    public void encrypt(InputStream message, OutputStream out) throws IOException, EncryptionException {
        BufferedInputStream in = new BufferedInputStream(message, BUFFER_SIZE);
        HeaderProtection protection = HeaderProtection.plan(HeaderSection.read(in, maxHeaderBytes), subjectPlaceholder);
        List<RecipientInfoGenerator> recipientInfos = new ArrayList<>();
        for (X509Certificate certificate : recipients) {
            recipientInfos.add(RecipientInfos.forCertificate(certificate, rsaTransport, random));
        }
        BufferedOutputStream target = new BufferedOutputStream(new UnclosableOutputStream(out), BUFFER_SIZE);

        MimeOutput.writeOuterHeader(target, protection);
        MimeOutput.line(target, "Content-Type: application/pkcs7-mime; smime-type=" + cipher.smimeType() + ";");
        MimeOutput.line(target, "\tname=\"smime.p7m\"");
        MimeOutput.line(target, "Content-Transfer-Encoding: base64");
        MimeOutput.line(target, "Content-Disposition: attachment; filename=\"smime.p7m\"");
        MimeOutput.line(target, "Content-Description: S/MIME encrypted message");
        MimeOutput.line(target, "");
        // The MIME encoder writes 76-character lines with CRLF (RFC 2045 section 6.8).
        OutputStream base64 = Base64.getMimeEncoder().wrap(new UnclosableOutputStream(target));
        try (OutputStream enveloped = openEnveloped(base64, recipientInfos)) {
            if (signingKey.isPresent()) {
                SignedPayloadWriter.write(signingKey.get(), protection, in, enveloped);
            } else {
                protection.writePayloadHeader(enveloped);
                in.transferTo(enveloped);
            }
        } catch (CMSException e) {
            throw new EncryptionException("S/MIME encryption failed: " + e.getMessage(), e);
        }
        base64.close();
        MimeOutput.line(target, "");
        target.flush();
    }

    private OutputStream openEnveloped(OutputStream base64, List<RecipientInfoGenerator> recipientInfos)
            throws CMSException, IOException {
        OutputStream cmsTarget = new UnclosableOutputStream(base64);
        // The content cipher comes from the JDK's providers, whose AES uses the CPU's AES
        // instructions; Bouncy Castle's AES is plain Java and several times slower.
        JceCMSContentEncryptorBuilder encryptor = new JceCMSContentEncryptorBuilder(cipher.algorithm())
                .setSecureRandom(random);
        if (cipher == ContentCipher.AES256_GCM) {
            CMSAuthEnvelopedDataStreamGenerator generator = new CMSAuthEnvelopedDataStreamGenerator();
            generator.setBufferSize(BUFFER_SIZE);
            recipientInfos.forEach(generator::addRecipientInfoGenerator);
            return generator.open(cmsTarget, (OutputAEADEncryptor) encryptor.build());
        }
        CMSEnvelopedDataStreamGenerator generator = new CMSEnvelopedDataStreamGenerator();
        generator.setBufferSize(BUFFER_SIZE);
        recipientInfos.forEach(generator::addRecipientInfoGenerator);
        OutputEncryptor contentEncryptor = encryptor.build();
        return generator.open(cmsTarget, contentEncryptor);
    }

    /** Collects recipients and options; {@link #build()} checks them. */
    public static final class Builder {
        private final List<X509Certificate> recipients = new ArrayList<>();
        private ContentCipher cipher = ContentCipher.AES256_CBC;
        private RsaKeyTransport rsaTransport = RsaKeyTransport.OAEP_SHA256;
        private SmimeSigningKey signingKey;
        private String subjectPlaceholder = HeaderProtection.DEFAULT_SUBJECT_PLACEHOLDER;
        private int maxHeaderBytes = HeaderSection.DEFAULT_MAX_BYTES;

        private Builder() {
        }

        /** Adds a recipient certificate, as returned by the key directory. */
        public Builder recipient(X509Certificate certificate) {
            recipients.add(Objects.requireNonNull(certificate, "certificate"));
            return this;
        }

        /** Sets the content encryption, default {@link ContentCipher#AES256_CBC}. */
        public Builder contentCipher(ContentCipher value) {
            this.cipher = Objects.requireNonNull(value, "cipher");
            return this;
        }

        /** Sets the key transport for RSA recipients, default {@link RsaKeyTransport#OAEP_SHA256}. */
        public Builder rsaKeyTransport(RsaKeyTransport value) {
            this.rsaTransport = Objects.requireNonNull(value, "rsaKeyTransport");
            return this;
        }

        /** Signs the payload with the organisation key before encrypting it. */
        public Builder signWith(SmimeSigningKey key) {
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
        public SmimeEncryptor build() {
            if (recipients.isEmpty()) {
                throw new IllegalStateException("at least one recipient certificate is required");
            }
            return new SmimeEncryptor(this);
        }
    }
}
