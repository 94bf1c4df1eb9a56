package org.sealrelay.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
}
