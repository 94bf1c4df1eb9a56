package org.sealrelay.gateway.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.sealrelay.gateway.crypto.HeaderField;
import org.sealrelay.gateway.crypto.HeaderSection;
import org.sealrelay.gateway.crypto.InvalidMessageException;

/**
 * Signs messages with one {@link DkimKey} (RFC 6376 section 5).
 *
 * <p>A message is written once into a {@link SigningSession}: the header section is buffered (it
 * is small and bounded), the body goes through the canonicalizer into the body hash, and
 * {@link SigningSession#finish()} returns the {@code DKIM-Signature} field to put in front of
 * the unchanged message. The signer adds no {@code l=} tag, so content appended later breaks the
 * signature instead of riding on it.
 *
 * <p>Header selection (section 5.4): every instance of the fields in {@link #SIGNED_FIELDS} that
 * the message has, and for {@link #OVERSIGNED_FIELDS} one name more than there are instances
 * (also when there is none). A verifier hashes an extra name as an empty field, so a field of
 * that name added in transit breaks the signature.
 */
public final class DkimSigner {
    /** Fields signed whenever present, in the order the {@code h=} tag lists them. */
    public static final List<String> SIGNED_FIELDS = List.of("from", "sender", "reply-to", "to", "cc", "subject",
            "date", "message-id", "in-reply-to", "references", "mime-version", "content-type",
            "content-transfer-encoding", "content-disposition", "content-id", "content-description",
            "auto-submitted", "tls-report-domain", "tls-report-submitter", "list-id", "list-unsubscribe",
            "list-unsubscribe-post");
    /**
     * Fields that RFC 5322 section 3.6 allows once, or that decide how a reader sees the message,
     * signed once more than present so that none can be added.
     */
    public static final Set<String> OVERSIGNED_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "subject",
            "date", "message-id", "mime-version", "content-type", "content-transfer-encoding",
            "tls-report-domain", "tls-report-submitter");

    private final DkimKey key;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * @param lifetime time from signing to the expiry written as {@code x=}; {@link Duration#ZERO}
     *     writes no {@code x=}
     * @param clock the source of {@code t=}
     */
    public DkimSigner(DkimKey key, Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
            Duration lifetime, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.headerCanonicalization = Objects.requireNonNull(headerCanonicalization, "headerCanonicalization");
        this.bodyCanonicalization = Objects.requireNonNull(bodyCanonicalization, "bodyCanonicalization");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isNegative()) {
            throw new IllegalArgumentException("lifetime must not be negative; got " + lifetime);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public DkimKey key() {
        return key;
    }

    /** Starts signing one message; write the whole message into the session, then finish it. */
    public SigningSession start() {
        return new SigningSession(this, new MessageHasher(bodyCanonicalization));
    }

    /**
     * Returns {@code message} with a {@code DKIM-Signature} field in front.
     *
     * @throws InvalidMessageException on a bare CR or LF, or a header section that cannot be parsed
     */
    public byte[] sign(byte[] message) throws InvalidMessageException {
        SigningSession session = start();
        session.write(message, 0, message.length);
        byte[] field = session.finish();
        byte[] signed = new byte[field.length + message.length];
        System.arraycopy(field, 0, signed, 0, field.length);
        System.arraycopy(message, 0, signed, field.length, message.length);
        return signed;
    }

    /**
     * Reads {@code message} to its end and returns the {@code DKIM-Signature} field for it,
     * ending in CRLF. The stream is not closed.
     *
     * @throws InvalidMessageException on a bare CR or LF, or a header section that cannot be parsed
     * @throws IOException if reading fails
     */
    public byte[] signatureField(InputStream message) throws IOException {
        SigningSession session = start();
        message.transferTo(session);
        return session.finish();
    }

    /**
     * Returns the signature field, ending in CRLF, for a message hashed by a {@link MessageHasher}
     * with this signer's body canonicalization.
     *
     * @throws IllegalArgumentException if the message was hashed with another body canonicalization
     */
    public byte[] signatureField(MessageHasher.HashedMessage message) {
        if (message.bodyCanonicalization() != bodyCanonicalization) {
            throw new IllegalArgumentException("message body hashed with " + message.bodyCanonicalization().tagValue()
                    + " canonicalization; this signer uses " + bodyCanonicalization.tagValue());
        }
        HeaderSection header = message.header();
        byte[] bodyHash = message.bodyHash();
        List<String> names = selectedNames(header);
        long signedAt = clock.instant().getEpochSecond();
        FoldedTagList field = new FoldedTagList("DKIM-Signature");
        field.tag("v", "1");
        field.tag("a", key.algorithm().signatureName());
        field.tag("c", headerCanonicalization.tagValue() + "/" + bodyCanonicalization.tagValue());
        field.tag("d", key.domain());
        field.tag("s", key.selector());
        field.tag("t", Long.toString(signedAt));
        if (!lifetime.isZero()) {
            field.tag("x", Long.toString(signedAt + lifetime.toSeconds()));
        }
        field.list("h", names);
        field.base64("bh", Base64.getEncoder().encodeToString(bodyHash));
        field.openLast("b");

        byte[] signedData = signedData(header, names, field.text());
        field.base64Value(Base64.getEncoder().encodeToString(signature(signedData)));
        return (field.text() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Lists each signed field once per instance, and oversigned fields once more. */
    private static List<String> selectedNames(HeaderSection header) {
        Map<String, Integer> counts = new HashMap<>();
        for (HeaderField field : header.fields()) {
            counts.merge(field.key(), 1, Integer::sum);
        }
        List<String> names = new ArrayList<>();
        for (String name : SIGNED_FIELDS) {
            int count = counts.getOrDefault(name, 0) + (OVERSIGNED_FIELDS.contains(name) ? 1 : 0);
            for (int i = 0; i < count; i++) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Returns the octets the signature covers (RFC 6376 section 3.7): the listed fields, each
     * name taking the next instance from the bottom of the header section (section 5.4.2), then
     * the signature field itself with an empty {@code b=} and no final CRLF.
     */
    private byte[] signedData(HeaderSection header, List<String> names, String unsignedField) {
        Map<String, Integer> nextFromBottom = new HashMap<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream(4096);
        List<HeaderField> fields = header.fields();
        for (String name : names) {
            int skip = nextFromBottom.getOrDefault(name, 0);
            int seen = 0;
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (fields.get(i).key().equals(name)) {
                    if (seen == skip) {
                        data.writeBytes(headerCanonicalization.header(fields.get(i).raw()));
                        break;
                    }
                    seen++;
                }
            }
            // A name without an instance left contributes nothing, which is the oversigned case.
            nextFromBottom.put(name, skip + 1);
        }
        byte[] ownField = headerCanonicalization.header((unsignedField + "\r\n").getBytes(StandardCharsets.US_ASCII));
        data.write(ownField, 0, ownField.length - 2);
        return data.toByteArray();
    }

    private byte[] signature(byte[] data) {
        if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key.privateKey());
            byte[] hash = sha256().digest(data);
            signer.update(hash, 0, hash.length);
            return signer.generateSignature();
        }
        RSADigestSigner signer = new RSADigestSigner(new SHA256Digest());
        signer.init(true, key.privateKey());
        signer.update(data, 0, data.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            // The key was checked when it was loaded, so this is a fault of ours or of the library.
            throw new IllegalStateException("RSA signing with " + key + " failed: " + e.getMessage(), e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
