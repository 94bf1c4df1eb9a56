package org.sealrelay.gateway.crypto.keys;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * An X.509 certificate for S/MIME. Addresses come from the subjectAltName rfc822Name entries
 * and the legacy emailAddress attribute of the subject (RFC 8550 section 3).
 */
public final class X509RecipientKey implements RecipientKey {
    /** RFC 5280 KeyUsage bit positions as {@link X509Certificate#getKeyUsage()} reports them. */
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int SAN_RFC822_NAME = 1;

    private final X509Certificate certificate;
    private final Set<String> addresses;

    X509RecipientKey(X509Certificate certificate) {
        this.certificate = certificate;
        this.addresses = Collections.unmodifiableSet(addressesOf(certificate));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public KeyKind kind() {
        return KeyKind.X509;
    }

    @Override
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 over a parsed certificate failed", e);
        }
    }

    @Override
    public Set<String> addresses() {
        return addresses;
    }

    @Override
    public byte[] encoded() {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a certificate in memory failed", e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public KeyCheck check(Instant now) {
        String name = "certificate " + fingerprint().substring(0, 16);
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            return KeyCheck.rejected(KeyStatus.EXPIRED, name + " expired on " + certificate.getNotAfter().toInstant());
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            return KeyCheck.rejected(KeyStatus.NOT_YET_VALID, name + " is valid only from " + certificate.getNotBefore().toInstant());
        }
        if (addresses.isEmpty()) {
            return KeyCheck.rejected(KeyStatus.INVALID, name + " names no mail address (subjectAltName rfc822Name or emailAddress)");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (certificate.getPublicKey() instanceof RSAPublicKey) {
            if (usage != null && !usage[KEY_ENCIPHERMENT]) {
                return KeyCheck.rejected(KeyStatus.NO_ENCRYPTION_USAGE, name + " has an RSA key without the keyEncipherment key usage");
            }
        } else if (certificate.getPublicKey() instanceof ECPublicKey) {
            if (usage != null && !usage[KEY_AGREEMENT]) {
                return KeyCheck.rejected(KeyStatus.NO_ENCRYPTION_USAGE, name + " has an EC key without the keyAgreement key usage");
            }
        } else {
            return KeyCheck.rejected(KeyStatus.NO_ENCRYPTION_USAGE,
                    name + " has a " + certificate.getPublicKey().getAlgorithm() + " key; expected RSA or EC");
        }
        try {
            List<String> extended = certificate.getExtendedKeyUsage();
            if (extended != null && !extended.contains(EMAIL_PROTECTION) && !extended.contains(ANY_EXTENDED_KEY_USAGE)) {
                return KeyCheck.rejected(KeyStatus.NO_ENCRYPTION_USAGE, name + " has an extended key usage without emailProtection");
            }
        } catch (CertificateParsingException e) {
            return KeyCheck.rejected(KeyStatus.INVALID, name + " has an unreadable extended key usage: " + e.getMessage());
        }
        // NOTE: revocation (CRL, OCSP) is not checked; remove the certificate from the directory instead.
        return KeyCheck.usable(name + " valid until " + certificate.getNotAfter().toInstant());
    }

    private static Set<String> addressesOf(X509Certificate certificate) {
        Set<String> result = new LinkedHashSet<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (((Integer) name.get(0)) == SAN_RFC822_NAME) {
                        addIfValid(result, (String) name.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A broken subjectAltName leaves only the subject's emailAddress; check() reports none.
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(PKCSObjectIdentifiers.pkcs_9_at_emailAddress)) {
            ASN1Encodable value = rdn.getFirst().getValue();
            if (value instanceof ASN1String text) {
                addIfValid(result, text.getString());
            }
        }
        return result;
    }

    private static void addIfValid(Set<String> result, String address) {
        try {
            result.add(Addresses.normalize(address));
        } catch (IllegalArgumentException e) {
            // Not an address we can index; the certificate may still name a valid one.
        }
    }
}
