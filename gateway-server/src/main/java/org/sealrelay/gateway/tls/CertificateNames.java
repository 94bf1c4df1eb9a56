package org.sealrelay.gateway.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Matches a client certificate's names (DNS subject alternative names, then the subject CN)
 * against configured patterns. A pattern {@code *.example.com} matches one label in front of
 * {@code example.com}, as in RFC 6125 section 6.4.3; names compare case-insensitively.
 */
public final class CertificateNames {
    private CertificateNames() {
    }

    /** Returns the first certificate name that matches a pattern, or null when none does. */
    public static String firstMatch(X509Certificate certificate, List<String> patterns) {
        for (String name : namesOf(certificate)) {
            for (String pattern : patterns) {
                if (matches(pattern, name)) {
                    return name;
                }
            }
        }
        return null;
    }

    static boolean matches(String pattern, String name) {
        String wanted = pattern.toLowerCase(Locale.ROOT);
        String actual = name.toLowerCase(Locale.ROOT);
        if (!wanted.startsWith("*.")) {
            return wanted.equals(actual);
        }
        String suffix = wanted.substring(1);
        int dot = actual.indexOf('.');
        return dot > 0 && actual.substring(dot).equals(suffix);
    }

    /** Returns the DNS subject alternative names followed by the subject CNs. */
    public static List<String> namesOf(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add((String) entry.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate with an unreadable SAN extension is matched by its CN only.
        }
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // No CN can be read; the SAN names stand alone.
        }
        return names;
    }
}
