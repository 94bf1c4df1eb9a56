package org.sealrelay.gateway.delivery;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.TLSARecord;

/**
 * Matches a peer's certificate chain against TLSA records as RFC 7672 section 3 requires of an
 * SMTP client.
 *
 * <ul>
 *   <li>DANE-EE (usage 3): the leaf certificate or its public key must match. Names and validity
 *       dates are not checked (RFC 7672 section 3.1.1).
 *   <li>DANE-TA (usage 2): a certificate of the presented chain must match. The chain must then
 *       validate from the leaf up to that certificate, and the leaf must name one of the reference
 *       identifiers: the MX host name or the next-hop domain (RFC 7672 sections 3.1.2 and 3.2.3).
 * </ul>
 *
 * <p>PKIX-TA (0) and PKIX-EE (1) records are unusable for SMTP (RFC 7672 section 3.1.3), as are
 * unknown selectors and matching types; {@link #usable} drops them, and records whose digest
 * length does not fit their matching type.
 *
 * <p>NOTE: a DANE-TA key that the server leaves out of its chain is not matched, although
 * RFC 7672 section 3.1.2 lets a client accept one; such servers fail verification here.
 */
final class DaneVerifier {
    static final int USAGE_DANE_TA = 2;
    static final int USAGE_DANE_EE = 3;

    private final List<TLSARecord> records;
    private final List<String> referenceNames;

    /**
     * @param records usable TLSA records, see {@link #usable}; not empty
     * @param referenceNames lower-case host names that a DANE-TA leaf must match
     */
    DaneVerifier(List<TLSARecord> records, List<String> referenceNames) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("DANE verification needs at least one usable TLSA record");
        }
        this.records = List.copyOf(records);
        this.referenceNames = List.copyOf(referenceNames);
    }

    /**
     * Returns the records with usage DANE-TA or DANE-EE, selector 0 or 1 and matching type 0, 1
     * or 2, where a SHA2-256 (1) or SHA2-512 (2) record contains a digest of 32 or 64 octets. A digest
     * of another length can match no certificate, so the record is malformed.
     */
    static List<TLSARecord> usable(List<TLSARecord> records) {
        List<TLSARecord> usable = new ArrayList<>();
        for (TLSARecord record : records) {
            int usage = record.getCertificateUsage();
            boolean knownUsage = usage == USAGE_DANE_TA || usage == USAGE_DANE_EE;
            boolean knownSelector = record.getSelector() == 0 || record.getSelector() == 1;
            boolean knownMatching = record.getMatchingType() >= 0 && record.getMatchingType() <= 2;
            if (knownUsage && knownSelector && knownMatching && digestLengthFits(record)) {
                usable.add(record);
            }
        }
        return usable;
    }

    private static boolean digestLengthFits(TLSARecord record) {
        int length = record.getCertificateAssociationData().length;
        return switch (record.getMatchingType()) {
            case 1 -> length == 32;
            case 2 -> length == 64;
            default -> length > 0;
        };
    }

    /**
     * Checks {@code chain}, leaf first, and returns a description of the record that matched.
     *
     * @throws CertificateException saying why no record matched
     */
    String verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("DANE: the server sent no certificate");
        }
        for (TLSARecord record : records) {
            if (record.getCertificateUsage() == USAGE_DANE_EE && matches(record, chain[0])) {
                return "DANE-EE " + describe(record);
            }
        }
        String taFailure = "no TLSA record matches the certificate chain";
        for (TLSARecord record : records) {
            if (record.getCertificateUsage() != USAGE_DANE_TA) {
                continue;
            }
            for (int index = 0; index < chain.length; index++) {
                if (!matches(record, chain[index])) {
                    continue;
                }
                String problem = checkTrustAnchorPath(chain, index);
                if (problem == null) {
                    return "DANE-TA " + describe(record);
                }
                taFailure = problem;
            }
        }
        throw new CertificateException("DANE: " + taFailure);
    }

    /** Returns null when the chain below {@code anchorIndex} validates and the leaf names a reference identifier. */
    private String checkTrustAnchorPath(X509Certificate[] chain, int anchorIndex) {
        try {
            if (anchorIndex == 0) {
                chain[0].checkValidity();
            } else {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                CertPath path = factory.generateCertPath(Arrays.asList(chain).subList(0, anchorIndex));
                PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchorIndex], null)));
                // Revocation data is not part of DANE; RFC 7672 relies on TLSA record changes instead.
                parameters.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(path, parameters);
            }
        } catch (GeneralSecurityException e) {
            return "the chain does not validate up to the DANE-TA certificate: " + e.getMessage();
        }
        List<String> presented = dnsNames(chain[0]);
        for (String reference : referenceNames) {
            for (String name : presented) {
                if (nameMatches(name, reference)) {
                    return null;
                }
            }
        }
        return "the certificate names " + presented + " match none of " + referenceNames;
    }

    /** Matches a presented name against a reference identifier, with a wildcard only as the whole left-most label. */
    static boolean nameMatches(String presented, String reference) {
        if (presented.startsWith("*.")) {
            int dot = reference.indexOf('.');
            return dot > 0 && reference.substring(dot + 1).equals(presented.substring(2));
        }
        return presented.equals(reference);
    }

    /**
     * Returns the DNS subject alternative names, or the subject CN when there are none, as
     * RFC 7672 section 3.2.3 permits.
     */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unreadable SAN extension leaves the CN as the only name.
        }
        if (names.isEmpty()) {
            try {
                for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(
                        certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (javax.naming.InvalidNameException e) {
                // No readable CN either, so the certificate names nothing.
            }
        }
        return names;
    }

    private static boolean matches(TLSARecord record, X509Certificate certificate) {
        try {
            byte[] selected = record.getSelector() == 0
                    ? certificate.getEncoded()
                    : certificate.getPublicKey().getEncoded();
            byte[] association = switch (record.getMatchingType()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return association != null && MessageDigest.isEqual(association, record.getCertificateAssociationData());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String describe(TLSARecord record) {
        return record.getCertificateUsage() + " " + record.getSelector() + " " + record.getMatchingType();
    }
}
