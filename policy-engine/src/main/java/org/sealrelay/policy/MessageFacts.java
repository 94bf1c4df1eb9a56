package org.sealrelay.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.sealrelay.policy.content.ContentFacts;

/**
 * The facts the gateway has about a message when the policy runs at the end of DATA. The gateway
 * gathers every fact before the policy runs, so deciding needs no network or disk I/O.
 *
 * @param clientAddress the SMTP client's IP address as text
 * @param listener name of the listener that received the message
 * @param tlsProtocol TLS protocol of the inbound session, or {@code null} without TLS
 * @param reversePath MAIL FROM address; empty for the null reverse-path
 * @param recipients RCPT TO addresses in the order received
 * @param sizeOctets message size as received, after dot-unstuffing
 * @param content headers, text and attachments; {@link ContentFacts#NOT_READ} when the
 *     policy did not ask for content
 * @param client SMTP AUTH user and TLS client certificate of the session
 * @param requireTls whether MAIL FROM carried REQUIRETLS (RFC 8689)
 * @param recipientCapabilities facts per recipient address, as given in {@code recipients};
 *     a recipient without an entry counts as {@link RecipientCapabilities#UNKNOWN}
 */
public record MessageFacts(
        String clientAddress,
        String listener,
        String tlsProtocol,
        String reversePath,
        List<String> recipients,
        long sizeOctets,
        ContentFacts content,
        ClientIdentity client,
        boolean requireTls,
        Map<String, RecipientCapabilities> recipientCapabilities) {
    public MessageFacts {
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(reversePath, "reversePath");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(client, "client");
        recipientCapabilities = Map.copyOf(recipientCapabilities);
    }

    /** Creates facts about an anonymous client without REQUIRETLS or recipient capabilities. */
    public MessageFacts(String clientAddress, String listener, String tlsProtocol, String reversePath,
            List<String> recipients, long sizeOctets, ContentFacts content) {
        this(clientAddress, listener, tlsProtocol, reversePath, recipients, sizeOctets, content,
                ClientIdentity.ANONYMOUS, false, Map.of());
    }

    /** Creates facts without content, for policies that decide on the envelope alone. */
    public MessageFacts(String clientAddress, String listener, String tlsProtocol, String reversePath,
            List<String> recipients, long sizeOctets) {
        this(clientAddress, listener, tlsProtocol, reversePath, recipients, sizeOctets, ContentFacts.NOT_READ);
    }

    /** Returns the capabilities known for a recipient, or {@link RecipientCapabilities#UNKNOWN}. */
    public RecipientCapabilities capabilitiesOf(String recipient) {
        RecipientCapabilities known = recipientCapabilities.get(recipient);
        if (known == null) {
            known = recipientCapabilities.get(recipient.toLowerCase(Locale.ROOT));
        }
        return known == null ? RecipientCapabilities.UNKNOWN : known;
    }
}
