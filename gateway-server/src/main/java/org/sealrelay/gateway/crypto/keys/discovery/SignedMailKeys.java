package org.sealrelay.gateway.crypto.keys.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.dom.field.MailboxListField;
import org.apache.james.mime4j.field.DefaultFieldParser;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.sealrelay.gateway.crypto.keys.Addresses;
import org.sealrelay.gateway.crypto.keys.DiscoveredKey;
import org.sealrelay.gateway.crypto.keys.KeyDirectoryException;
import org.sealrelay.gateway.crypto.keys.KeyFileParser;
import org.sealrelay.gateway.crypto.keys.KeyKind;
import org.sealrelay.gateway.crypto.keys.KeySource;
import org.sealrelay.gateway.crypto.keys.OpenPgpRecipientKey;
import org.sealrelay.gateway.crypto.keys.RecipientKey;

/**
 * Keys that a signed message shows its sender holds, for the address in its From field.
 *
 * <ul>
 *   <li>S/MIME ({@code multipart/signed; protocol="application/pkcs7-signature"}, RFC 8551
 *       section 3.5.3): the certificate of a signer whose signature over the first part
 *       verifies, when that certificate names the From address.
 *   <li>PGP/MIME ({@code multipart/signed; protocol="application/pgp-signature"}, RFC 3156
 *       section 5): an {@code application/pgp-keys} part inside the signed part, when one of
 *       its keys made the signature and names the From address.
 * </ul>
 *
 * <p>A verified signature proves that the sender has the private key, not that the key belongs
 * to the address, so such keys are recorded with {@link KeySource#HARVESTED} and first-use
 * trust. Signer certificate chains are not validated.
 */
final class SignedMailKeys {
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    /** Nesting of multiparts searched for an {@code application/pgp-keys} part. */
    private static final int MAX_DEPTH = 4;

    private SignedMailKeys() {
    }

    /**
     * Returns the keys to record; empty when the message is not signed, the signature does not
     * verify, or no signing key names the From address.
     *
     * @throws IOException if the MIME structure is broken
     */
    static List<DiscoveredKey> extract(byte[] message, String queueId) throws IOException {
        RawPart root = RawPart.parse(message);
        if (!root.mimeType().equals("multipart/signed")) {
            return List.of();
        }
        Optional<String> from = singleFromAddress(root);
        if (from.isEmpty()) {
            return List.of();
        }
        String protocol = Optional.ofNullable(root.contentType().getParameter("protocol")).orElse("")
                .toLowerCase(Locale.ROOT);
        List<RawPart> parts = root.parts();
        if (parts.size() != 2) {
            return List.of();
        }
        List<RecipientKey> keys = switch (protocol) {
            case "application/pkcs7-signature", "application/x-pkcs7-signature" ->
                    smimeSigners(parts.get(0).octets(), decodedBody(parts.get(1)));
            case "application/pgp-signature" -> pgpSigners(parts.get(0), parts.get(1).body());
            default -> List.of();
        };
        List<DiscoveredKey> result = new ArrayList<>();
        for (RecipientKey key : keys) {
            if (key.addresses().contains(from.get())) {
                result.add(new DiscoveredKey(key, from.get(), KeySource.HARVESTED, queueId));
            }
        }
        return result;
    }

    private static Optional<String> singleFromAddress(RawPart root) {
        Optional<String> value = root.field("From");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            MailboxList mailboxes = ((MailboxListField) DefaultFieldParser.parse("From: " + value.get())).getMailboxList();
            if (mailboxes == null || mailboxes.size() != 1) {
                return Optional.empty();
            }
            Mailbox mailbox = mailboxes.get(0);
            return Optional.of(Addresses.normalize(mailbox.getAddress()));
        } catch (MimeException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Returns the certificates of the signers whose signatures over {@code content} verify. */
    private static List<RecipientKey> smimeSigners(byte[] content, byte[] signature) {
        List<RecipientKey> signers = new ArrayList<>();
        try {
            CMSSignedData signed = new CMSSignedData(new CMSProcessableByteArray(content), signature);
            for (SignerInformation signer : signed.getSignerInfos().getSigners()) {
                @SuppressWarnings("unchecked")
                Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
                for (X509CertificateHolder certificate : matches) {
                    if (verifies(signer, certificate)) {
                        signers.addAll(parse(certificate.getEncoded(), KeyKind.X509));
                    }
                }
            }
        } catch (CMSException | IOException e) {
            return List.of();
        }
        return signers;
    }

    private static boolean verifies(SignerInformation signer, X509CertificateHolder certificate) {
        try {
            return signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(PROVIDER).build(certificate));
        } catch (CMSException | OperatorCreationException | java.security.cert.CertificateException | RuntimeException e) {
            // Includes a certificate that was not valid at the signing time.
            return false;
        }
    }

    /** Returns the keys in the signed part that made a signature over it that verifies. */
    private static List<RecipientKey> pgpSigners(RawPart signedPart, byte[] armoredSignature) throws IOException {
        List<RecipientKey> attached = new ArrayList<>();
        collectAttachedKeys(signedPart, 0, attached);
        if (attached.isEmpty()) {
            return List.of();
        }
        PGPSignatureList signatures;
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
            Object object = new JcaPGPObjectFactory(in).nextObject();
            if (!(object instanceof PGPSignatureList list)) {
                return List.of();
            }
            signatures = list;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        List<RecipientKey> signers = new ArrayList<>();
        for (RecipientKey key : attached) {
            for (PGPSignature signature : signatures) {
                if (pgpVerifies(signature, (OpenPgpRecipientKey) key, signedPart.octets())) {
                    signers.add(key);
                    break;
                }
            }
        }
        return signers;
    }

    private static boolean pgpVerifies(PGPSignature signature, OpenPgpRecipientKey key, byte[] content) {
        PGPPublicKey signingKey = key.ring().getPublicKey(signature.getKeyID());
        if (signingKey == null) {
            return false;
        }
        try {
            signature.init(new JcaPGPContentVerifierBuilderProvider().setProvider(PROVIDER), signingKey);
            signature.update(content);
            return signature.verify();
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static void collectAttachedKeys(RawPart part, int depth, List<RecipientKey> keys) throws IOException {
        String type = part.mimeType();
        if (type.equals("application/pgp-keys")) {
            keys.addAll(parse(decodedBody(part), KeyKind.OPENPGP));
        } else if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
            for (RawPart child : part.parts()) {
                collectAttachedKeys(child, depth + 1, keys);
            }
        }
    }

    private static List<RecipientKey> parse(byte[] octets, KeyKind kind) {
        List<RecipientKey> keys = new ArrayList<>();
        try {
            for (RecipientKey key : KeyFileParser.parse(octets)) {
                if (key.kind() == kind) {
                    keys.add(key);
                }
            }
        } catch (KeyDirectoryException e) {
            // Not a key of the expected form; the message yields nothing from this part.
        }
        return keys;
    }

    /** Returns a part's body with its Content-Transfer-Encoding removed (RFC 2045 section 6). */
    private static byte[] decodedBody(RawPart part) throws IOException {
        String encoding = part.field("Content-Transfer-Encoding").orElse("7bit").strip().toLowerCase(Locale.ROOT);
        byte[] body = part.body();
        switch (encoding) {
            case "base64":
                try {
                    return Base64.getMimeDecoder().decode(body);
                } catch (IllegalArgumentException e) {
                    throw new IOException("invalid base64 body", e);
                }
            case "quoted-printable":
                try (InputStream in = new QuotedPrintableInputStream(new ByteArrayInputStream(body), DecodeMonitor.SILENT)) {
                    return in.readAllBytes();
                }
            default:
                return body;
        }
    }
}
