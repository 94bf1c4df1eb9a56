package org.sealrelay.gateway.smtp.inbound;

import java.util.ArrayList;
import java.util.List;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.gateway.spool.MessageWriter;

/**
 * Per-connection SMTP state in two scopes: the connection scope (greeting, TLS) lives until
 * the connection closes or STARTTLS resets it; the transaction scope (sender, recipients, the
 * message being written) is cleared by RSET, a new EHLO or HELO, and the end of DATA.
 */
final class SessionState {
    /** Reason a client may relay, strongest first. */
    enum RelayGrant {
        AUTHENTICATED,
        CERTIFICATE,
        NETWORK,
        /** Not a relay: every recipient so far is in an accepted domain. */
        ACCEPTED_DOMAIN
    }

    /** Connection scope. */
    String heloName;
    boolean extended;
    String tlsProtocol;
    String tlsCipher;
    String authenticatedUser;
    /** Subject or SAN name of a verified client certificate that grants relay access, or null. */
    String certificateIdentity;
    /** The verified client certificate's subject DN and names, for policy rules; anonymous without one. */
    org.sealrelay.policy.ClientIdentity clientCertificate = org.sealrelay.policy.ClientIdentity.ANONYMOUS;
    int errors;

    /** Transaction scope. */
    String reversePath;
    /** Reasons the accepted recipients of this transaction were allowed. */
    final java.util.EnumSet<RelayGrant> relayGrants = java.util.EnumSet.noneOf(RelayGrant.class);
    boolean eightBitMime;
    TransactionOptions options = TransactionOptions.NONE;
    final List<String> recipients = new ArrayList<>();
    final List<DsnRequest> dsnRequests = new ArrayList<>();
    MessageWriter writer;
    /**
     * Reader of the message being received into {@link #writer}. With BDAT it lives from the
     * first chunk to the last.
     */
    DataReader reader;

    boolean hasGreeting() {
        return heloName != null;
    }

    boolean inTransaction() {
        return reversePath != null;
    }

    /** Clears the transaction scope, discarding any partly written message. */
    void resetTransaction() {
        reversePath = null;
        relayGrants.clear();
        eightBitMime = false;
        options = TransactionOptions.NONE;
        recipients.clear();
        dsnRequests.clear();
        if (writer != null) {
            writer.abort();
            writer = null;
        }
        reader = null;
    }

    /** Clears both scopes except TLS, as RFC 3207 section 4.2 requires after the handshake. */
    void resetAfterTls() {
        resetTransaction();
        heloName = null;
        extended = false;
        authenticatedUser = null;
        certificateIdentity = null;
        clientCertificate = org.sealrelay.policy.ClientIdentity.ANONYMOUS;
    }
}
