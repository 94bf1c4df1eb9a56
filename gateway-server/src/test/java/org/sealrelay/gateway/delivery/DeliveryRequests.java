package org.sealrelay.gateway.delivery;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.sealrelay.gateway.spool.DsnRequest;
import org.sealrelay.gateway.spool.QueueId;
import org.sealrelay.gateway.spool.TransactionOptions;
import org.sealrelay.policy.TlsLevel;

/** Delivery requests from {@code sender@example.com} with a new queue ID and content held in memory. */
final class DeliveryRequests {
    static final String SENDER = "sender@example.com";

    private DeliveryRequests() {
    }

    /**
     * Returns a request without 8BITMIME, ESMTP transaction options or DSN parameters.
     *
     * @param content the message as sent, encoded as UTF-8
     */
    static DeliveryRequest request(List<String> recipients, String domain, TlsLevel level, String content) {
        byte[] octets = content.getBytes(StandardCharsets.UTF_8);
        return new DeliveryRequest(QueueId.generate(), SENDER, recipients, domain, level, false, octets.length,
                () -> new ByteArrayInputStream(octets));
    }

    /** Returns a request with ESMTP transaction options and one DSN request per recipient. */
    static DeliveryRequest request(List<String> recipients, String domain, TlsLevel level, String content,
            TransactionOptions options, List<DsnRequest> dsnRequests) {
        byte[] octets = content.getBytes(StandardCharsets.UTF_8);
        return new DeliveryRequest(QueueId.generate(), SENDER, recipients, domain, level, false, octets.length,
                () -> new ByteArrayInputStream(octets), options, dsnRequests);
    }
}
