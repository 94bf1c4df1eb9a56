package org.sealrelay.gateway.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.delivery.RecipientOutcome.Result;

/**
 * The transaction scope of an SMTP client session: one message with its recipients, from MAIL
 * FROM to the reply after the final dot. {@link SmtpClientSession} owns it, and the session and
 * the classes it delegates steps to touch it only on the channel's event loop.
 */
final class ClientTransaction {
    final DeliveryRequest request;
    final List<String> recipients;
    /** Whether the transaction runs on a connection taken from the {@link ConnectionCache}. */
    final boolean onReusedConnection;
    final CompletableFuture<SessionResult> result = new CompletableFuture<>();
    final Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
    final List<String> accepted = new ArrayList<>();
    boolean mailSent;
    int rcptRepliesExpected;
    int rcptRepliesReceived;
    int rcptCommandsSent;
    /** Whether DATA went out in the PIPELINING group with MAIL FROM and RCPT TO. */
    boolean dataPipelined;
    /** Whether a pipelined MAIL FROM was rejected, which decided every recipient. */
    boolean mailRejected;
    /** Whether the content after the 354 reply to DATA is still being written. */
    boolean writingContent;
    /** The content in flight as BDAT chunks, or null when the transaction uses DATA. */
    BdatContent bdat;
    /**
     * Set when a reused connection failed (closed, timed out, 421 or a failed RSET) before the
     * reply to the final dot, so the agent sends the message again on a new connection.
     */
    boolean connectionFailed;

    /** @param recipients the recipients to send, a subset of the request's with valid syntax */
    ClientTransaction(DeliveryRequest request, List<String> recipients, boolean onReusedConnection) {
        this.request = request;
        this.recipients = List.copyOf(recipients);
        this.onReusedConnection = onReusedConnection;
    }

    /** Gives every recipient still undecided the outcome. */
    void decideRemaining(Result outcome, String reason) {
        for (String recipient : recipients) {
            outcomes.putIfAbsent(recipient, new RecipientOutcome(outcome, reason));
        }
    }

    /**
     * Returns whether the agent should send this message again on a new connection: not when a
     * rejected MAIL FROM has decided it already.
     */
    boolean retryOnNewConnection() {
        return onReusedConnection && connectionFailed && !mailRejected;
    }
}
