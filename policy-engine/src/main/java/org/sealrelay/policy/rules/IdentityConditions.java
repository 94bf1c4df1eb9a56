package org.sealrelay.policy.rules;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.sealrelay.policy.ClientIdentity;

/** Conditions on who the SMTP client proved to be: its AUTH user and its TLS client certificate. */
final class IdentityConditions {
    /** The {@code auth-user} value that matches any authenticated user. */
    static final String ANY_USER = "*";

    private IdentityConditions() {
    }

    /**
     * Holds when the client authenticated as one of the named users. User names compare
     * exactly, as the credentials file stores them; {@code *} matches any authenticated user.
     */
    record AuthUser(Set<String> users) implements Condition {
        AuthUser {
            users = Set.copyOf(users);
        }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            ClientIdentity client = evaluation.facts().client();
            if (!client.isAuthenticated()) {
                return false;
            }
            if (users.contains(ANY_USER) || users.contains(client.authenticatedUser())) {
                evidence.add("auth-user");
                return true;
            }
            return false;
        }
    }

    /**
     * Holds when a name of the verified client certificate matches a pattern. Names are the DNS
     * subject alternative names and the subject CNs; a pattern {@code *.example.com} matches one
     * label in front of {@code example.com} (RFC 6125 section 6.4.3). A pattern that starts with
     * {@code subject=} instead compares the whole subject DN. Comparison ignores case.
     */
    record ClientCertificate(List<String> patterns) implements Condition {
        static final String SUBJECT_PREFIX = "subject=";

        ClientCertificate {
            patterns = List.copyOf(patterns);
        }

        @Override
        public boolean test(Evaluation evaluation, List<String> evidence) {
            ClientIdentity client = evaluation.facts().client();
            for (String pattern : patterns) {
                if (matches(pattern, client)) {
                    evidence.add("client-certificate");
                    return true;
                }
            }
            return false;
        }

        private static boolean matches(String pattern, ClientIdentity client) {
            if (pattern.regionMatches(true, 0, SUBJECT_PREFIX, 0, SUBJECT_PREFIX.length())) {
                String subject = pattern.substring(SUBJECT_PREFIX.length());
                return !client.certificateSubject().isEmpty() && client.certificateSubject().equalsIgnoreCase(subject);
            }
            for (String name : client.certificateNames()) {
                if (nameMatches(pattern, name)) {
                    return true;
                }
            }
            return false;
        }

        static boolean nameMatches(String pattern, String name) {
            String expected = pattern.toLowerCase(Locale.ROOT);
            String actual = name.toLowerCase(Locale.ROOT);
            if (!expected.startsWith("*.")) {
                return expected.equals(actual);
            }
            int dot = actual.indexOf('.');
            return dot > 0 && actual.substring(dot).equals(expected.substring(1));
        }
    }
}
