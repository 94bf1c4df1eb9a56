package org.sealrelay.policy;

import java.util.List;
import java.util.Objects;

/**
 * Identity that the SMTP client proved in its session.
 *
 * @param authenticatedUser the SMTP AUTH user name; empty when the client did not authenticate
 * @param certificateSubject the subject DN of a verified TLS client certificate; empty without one
 * @param certificateNames the DNS subject alternative names and subject CNs of that certificate
 */
public record ClientIdentity(String authenticatedUser, String certificateSubject, List<String> certificateNames) {
    /** A client that neither authenticated nor presented a certificate. */
    public static final ClientIdentity ANONYMOUS = new ClientIdentity("", "", List.of());

    public ClientIdentity {
        Objects.requireNonNull(authenticatedUser, "authenticatedUser");
        Objects.requireNonNull(certificateSubject, "certificateSubject");
        certificateNames = List.copyOf(certificateNames);
    }

    /** Returns whether the client authenticated with SMTP AUTH. */
    public boolean isAuthenticated() {
        return !authenticatedUser.isEmpty();
    }

    /** Returns whether the client presented a verified certificate. */
    public boolean hasCertificate() {
        return !certificateSubject.isEmpty() || !certificateNames.isEmpty();
    }
}
