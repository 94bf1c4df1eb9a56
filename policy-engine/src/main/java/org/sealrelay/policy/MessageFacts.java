package org.sealrelay.policy;

import java.util.List;
import java.util.Objects;
import org.sealrelay.policy.content.ContentFacts;

/**
 * What the gateway knows about a message when the policy runs at the end of DATA.
 *
 * @param clientAddress the SMTP client's IP address as text
 * @param listener name of the listener that received the message
 * @param tlsProtocol TLS protocol of the inbound session, or {@code null} without TLS
 * @param reversePath MAIL FROM address; empty for the null reverse-path
 * @param recipients RCPT TO addresses in the order received
 * @param sizeOctets message size as received, after dot-unstuffing
 * @param content headers, text and attachments; {@link ContentFacts#NOT_READ} when the
 *     policy did not ask for content
 */
public record MessageFacts(
        String clientAddress,
        String listener,
        String tlsProtocol,
        String reversePath,
        List<String> recipients,
        long sizeOctets,
        ContentFacts content) {
    public MessageFacts {
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(reversePath, "reversePath");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(content, "content");
    }

    /** Creates facts without content, for policies that decide on the envelope alone. */
    public MessageFacts(String clientAddress, String listener, String tlsProtocol, String reversePath,
            List<String> recipients, long sizeOctets) {
        this(clientAddress, listener, tlsProtocol, reversePath, recipients, sizeOctets, ContentFacts.NOT_READ);
    }
}
