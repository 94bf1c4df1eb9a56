package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.DeliveryPlan;
import org.sealrelay.policy.MessageEdits;
import org.sealrelay.policy.TlsLevel;

class EnvelopeCodecTest {
    @Test
    void roundTripKeepsEveryField() throws IOException {
        QueueId id = QueueId.generate();
        Envelope envelope = SpoolTestData.richEnvelope(id);

        Envelope decoded = EnvelopeCodec.decode(EnvelopeCodec.encode(envelope), id);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.recipients().get(1).plan().steps()).hasSize(2);
        assertThat(decoded.receivedAt().getNano()).isEqualTo(789_012_345);
    }

    @Test
    void decodeRejectsOtherQueueId() {
        QueueId id = QueueId.generate();
        byte[] encoded = EnvelopeCodec.encode(SpoolTestData.richEnvelope(id));
        QueueId other = QueueId.generate();

        assertThatThrownBy(() -> EnvelopeCodec.decode(encoded, other))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("names queue id " + id);
    }

    @Test
    void decodeRejectsTruncatedInput() {
        QueueId id = QueueId.generate();
        byte[] encoded = EnvelopeCodec.encode(SpoolTestData.richEnvelope(id));

        assertThatThrownBy(() -> EnvelopeCodec.decode(Arrays.copyOf(encoded, encoded.length - 3), id))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ends early");
    }

    @Test
    void decodeRejectsTrailingOctets() {
        QueueId id = QueueId.generate();
        byte[] encoded = EnvelopeCodec.encode(SpoolTestData.richEnvelope(id));

        assertThatThrownBy(() -> EnvelopeCodec.decode(Arrays.copyOf(encoded, encoded.length + 2), id))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("2 trailing octets");
    }

    @Test
    void decodeRejectsUnknownVersion() {
        QueueId id = QueueId.generate();
        byte[] encoded = EnvelopeCodec.encode(SpoolTestData.richEnvelope(id));
        encoded[0] = 9;

        assertThatThrownBy(() -> EnvelopeCodec.decode(encoded, id))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unsupported version 9");
    }

    @Test
    void roundTripKeepsVersionTwoFields() throws IOException {
        QueueId id = QueueId.generate();
        EnvelopeRecipient failed = new EnvelopeRecipient("gone@lab.example", DeliveryPlan.relay(TlsLevel.VERIFY),
                RecipientStatus.FAILED, 3, "550 5.1.1 unknown user", "mx.lab.example[192.0.2.7]:25", true);
        Envelope envelope = new Envelope(id, "a@clinic.example", List.of(failed), false, "192.0.2.1", "client.test",
                Instant.parse("2026-12-04T10:15:30Z"), 42, true, true);

        Envelope decoded = EnvelopeCodec.decode(EnvelopeCodec.encode(envelope), id);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.held()).isTrue();
        assertThat(decoded.delayNotified()).isTrue();
        assertThat(decoded.recipients().get(0).remoteMta()).isEqualTo("mx.lab.example[192.0.2.7]:25");
        assertThat(decoded.recipients().get(0).notified()).isTrue();
    }

    @Test
    void versionOneStillDecodes() throws IOException {
        QueueId id = QueueId.generate();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(1);
            writeString(out, id.value());
            writeString(out, "a@clinic.example");
            out.writeBoolean(true);
            writeString(out, "192.0.2.1");
            writeString(out, "client.test");
            out.writeLong(1_780_000_000L);
            out.writeInt(5);
            out.writeLong(1234);
            out.writeInt(1);
            writeString(out, "b@lab.example");
            out.writeInt(1);
            writeString(out, "TLS");
            writeString(out, "encrypt");
            writeString(out, "FAILED");
            out.writeInt(2);
            writeString(out, "550 5.1.1 unknown user");
        }

        Envelope decoded = EnvelopeCodec.decode(buffer.toByteArray(), id);

        assertThat(decoded.held()).isFalse();
        assertThat(decoded.delayNotified()).isFalse();
        assertThat(decoded.sizeOctets()).isEqualTo(1234);
        EnvelopeRecipient recipient = decoded.recipients().get(0);
        assertThat(recipient.status()).isEqualTo(RecipientStatus.FAILED);
        assertThat(recipient.lastReply()).isEqualTo("550 5.1.1 unknown user");
        assertThat(recipient.remoteMta()).isEmpty();
        assertThat(recipient.notified()).as("a version 1 failure still needs its notification").isFalse();
        assertThat(decoded.failedUnnotified()).containsExactly(recipient);
    }

    @Test
    void roundTripKeepsTreatment() throws IOException {
        QueueId id = QueueId.generate();
        MessageEdits edits = new MessageEdits(List.of(new MessageEdits.HeaderField("X-SealRelay-Policy", "tagged")),
                "[secure]", List.of("X-Internal-Route"), "[external]");
        EnvelopeRecipient edited = EnvelopeRecipient.pending("a@lab.example", DeliveryPlan.relay(TlsLevel.VERIFY))
                .withTreatment(new RecipientTreatment(edits, true, false));
        EnvelopeRecipient archive = EnvelopeRecipient.pending("vault@archive.example", DeliveryPlan.relay(TlsLevel.ENCRYPT))
                .withTreatment(RecipientTreatment.archive());
        Envelope envelope = new Envelope(id, "s@clinic.example", List.of(edited, archive), false, "192.0.2.1",
                "client.test", Instant.parse("2026-12-04T10:15:30Z"), 42);

        Envelope decoded = EnvelopeCodec.decode(EnvelopeCodec.encode(envelope), id);

        assertThat(decoded).isEqualTo(envelope);
        assertThat(decoded.recipients().get(0).treatment().edits()).isEqualTo(edits);
        assertThat(decoded.recipients().get(0).treatment().exempt()).isTrue();
        assertThat(decoded.recipients().get(1).treatment().archiveCopy()).isTrue();
    }

    @Test
    void versionThreeStillDecodes() throws IOException {
        QueueId id = QueueId.generate();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(3);
            writeString(out, id.value());
            writeString(out, "a@clinic.example");
            out.writeBoolean(false);
            writeString(out, "192.0.2.1");
            writeString(out, "client.test");
            out.writeLong(1_780_000_000L);
            out.writeInt(5);
            out.writeLong(1234);
            out.writeBoolean(false);
            out.writeBoolean(false);
            out.writeBoolean(false);
            out.writeBoolean(true);
            writeString(out, "HDRS");
            writeString(out, "env1");
            out.writeInt(1);
            writeString(out, "b@lab.example");
            out.writeInt(1);
            writeString(out, "TLS");
            writeString(out, "verify");
            writeString(out, "PENDING");
            out.writeInt(0);
            writeString(out, "");
            writeString(out, "");
            out.writeBoolean(false);
            out.writeInt(0);
            writeString(out, "");
            out.writeInt(0);
            writeString(out, "rule=default");
        }

        Envelope decoded = EnvelopeCodec.decode(buffer.toByteArray(), id);

        assertThat(decoded.options().requireTls()).isTrue();
        EnvelopeRecipient recipient = decoded.recipients().get(0);
        assertThat(recipient.policyNote()).isEqualTo("rule=default");
        assertThat(recipient.treatment()).isEqualTo(RecipientTreatment.NONE);
    }

    @Test
    void decodeRejectsHeaderInjectionInStoredEdits() throws IOException {
        QueueId id = QueueId.generate();
        Envelope envelope = new Envelope(id, "", List.of(EnvelopeRecipient.pending("a@lab.example",
                DeliveryPlan.relay(TlsLevel.VERIFY)).withTreatment(new RecipientTreatment(
                new MessageEdits(List.of(new MessageEdits.HeaderField("X-A", "xxxxx")), ""), false, false))),
                false, "192.0.2.1", "client.test", Instant.parse("2026-12-04T10:15:30Z"), 42);
        byte[] encoded = EnvelopeCodec.encode(envelope);
        byte[] value = "xxxxx".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(encoded, value);
        encoded[at + 1] = '\r';
        encoded[at + 2] = '\n';

        assertThatThrownBy(() -> EnvelopeCodec.decode(encoded, id))
                .isInstanceOf(IOException.class)
                .hasMessage("invalid envelope of " + id
                        + ": invalid value for header field X-A: expected at most 900 printable ASCII characters");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("value not found in the encoded envelope");
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] octets = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(octets.length);
        out.write(octets);
    }
}
