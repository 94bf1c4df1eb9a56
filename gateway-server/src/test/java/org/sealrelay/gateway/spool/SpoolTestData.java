package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.PlanStep;
import org.sealrelay.policy.TlsLevel;

/** Envelopes, content and commit helpers shared by the spool tests. */
final class SpoolTestData {
    static final Instant RECEIVED_AT = Instant.parse("2026-03-01T12:34:56.789012345Z");

    private SpoolTestData() {}

    static Envelope envelope(QueueId id, String... addresses) {
        List<EnvelopeRecipient> recipients = java.util.Arrays.stream(addresses)
                .map(address -> EnvelopeRecipient.pending(address, DeliveryPlan.relay(TlsLevel.VERIFY)))
                .toList();
        return new Envelope(id, "sender@clinic.example", recipients, true, "192.0.2.10", "mx.clinic.example",
                RECEIVED_AT, 1234);
    }

    static Envelope richEnvelope(QueueId id) {
        DeliveryPlan fallback = new DeliveryPlan(List.of(PlanStep.relay(TlsLevel.VERIFY), PlanStep.relay(TlsLevel.ENCRYPT)));
        List<EnvelopeRecipient> recipients = List.of(
                EnvelopeRecipient.pending("patient@hospital.example", DeliveryPlan.relay(TlsLevel.MAY)),
                new EnvelopeRecipient("δοκιμή@παράδειγμα.δοκιμή", fallback, RecipientStatus.DELIVERED, 2,
                        "250 2.0.0 queued as 7F3A"),
                new EnvelopeRecipient("用户@例子.广告", DeliveryPlan.relay(TlsLevel.NONE), RecipientStatus.FAILED, 5,
                        "550 5.1.1 user unknown"));
        return new Envelope(id, "", recipients, false, "2001:db8::1", "héllo.example", RECEIVED_AT, 987_654_321L);
    }

    /** Returns deterministic pseudo-random content of the given length. */
    static byte[] content(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes content in uneven slices, commits it and waits for the commit. */
    static QueueId commit(Spool spool, byte[] content, String... addresses) throws Exception {
        MessageWriter writer = spool.newMessage();
        int offset = 0;
        int slice = 1;
        while (offset < content.length) {
            int length = Math.min(slice, content.length - offset);
            writer.write(content, offset, length);
            offset += length;
            slice = slice * 3 + 7;
        }
        writer.commit(envelope(writer.id(), addresses)).get(10, TimeUnit.SECONDS);
        return writer.id();
    }

    static byte[] readContent(Spool spool, QueueId id) throws IOException {
        try (InputStream in = spool.openContent(id)) {
            return in.readAllBytes();
        }
    }
}
