package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;

class DataReaderTest {
    private static final long MAX = 1 << 20;

    /** Collects written content in memory; enough for the reader, which only calls write. */
    private static final class CollectingWriter implements MessageWriter {
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        final QueueId id = QueueId.generate();
        boolean failWrites;

        @Override
        public QueueId id() {
            return id;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (failWrites) {
                throw new IOException("No space left on device");
            }
            content.write(bytes, offset, length);
        }

        @Override
        public long size() {
            return content.size();
        }

        @Override
        public java.io.InputStream openWritten() {
            return new java.io.ByteArrayInputStream(content.toByteArray());
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abort() {
        }

        String text() {
            return content.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    @Test
    void unstuffsLeadingDots() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);

        DataReader.Progress progress = reader.read(bytes("Subject: x\r\n\r\n..hidden\r\n.\r\n..\r\n.\r\n"));

        assertThat(progress).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(writer.text()).isEqualTo("Subject: x\r\n\r\n.hidden\r\n");
        assertThat(reader.fault()).isEqualTo(DataReader.Fault.NONE);
    }

    @Test
    void stopsAtEndOfDataAndLeavesPipelinedBytes() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);
        ByteBuf input = bytes("line\r\n.\r\nQUIT\r\n");

        assertThat(reader.read(input)).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(input.toString(StandardCharsets.US_ASCII)).isEqualTo("QUIT\r\n");
        assertThat(writer.text()).isEqualTo("line\r\n");
    }

    @Test
    void emptyMessageEndsAtFirstLine() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);

        assertThat(reader.read(bytes(".\r\n"))).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(writer.text()).isEmpty();
    }

    @Test
    void splitInputGivesSameResultAtEveryBoundary() {
        String wire = "A: b\r\n\r\n.x\r\nline two\r\n..\r\n.\r\n";
        for (int split = 0; split <= wire.length(); split++) {
            CollectingWriter writer = new CollectingWriter();
            DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);
            DataReader.Progress first = reader.read(bytes(wire.substring(0, split)));
            DataReader.Progress second = first == DataReader.Progress.COMPLETE
                    ? first : reader.read(bytes(wire.substring(split)));

            assertThat(second).as("split at %d", split).isEqualTo(DataReader.Progress.COMPLETE);
            assertThat(writer.text()).as("split at %d", split).isEqualTo("A: b\r\n\r\nx\r\nline two\r\n.\r\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a\n.\nMAIL FROM:<x@y>\r\n.\r\n",
        "a\n.\r\nMAIL FROM:<x@y>\r\n.\r\n",
        "a\r\n.\nMAIL FROM:<x@y>\r\n.\r\n",
        "a\r.\rMAIL FROM:<x@y>\r\n.\r\n",
        "a\r.\r\nMAIL FROM:<x@y>\r\n.\r\n",
        "a\r\n.\rMAIL FROM:<x@y>\r\n.\r\n",
    })
    void smugglingSequencesDoNotEndData(String wire) {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);
        ByteBuf input = bytes(wire);

        DataReader.Progress progress = reader.read(input);

        assertThat(progress).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(input.isReadable()).as("bytes left after the real end of data").isFalse();
        assertThat(reader.fault()).isEqualTo(DataReader.Fault.BARE_LINE_ENDING);
    }

    @Test
    void lineOfExactlyMaxLengthIsAccepted() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);
        String line = "x".repeat(DataReader.MAX_TEXT_LINE - 2) + "\r\n";

        reader.read(bytes(line + ".\r\n"));

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.NONE);
        assertThat(writer.text()).isEqualTo(line);
    }

    @Test
    void lineOverMaxLengthIsRejected() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);

        reader.read(bytes("x".repeat(DataReader.MAX_TEXT_LINE - 1) + "\r\n.\r\n"));

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.LINE_TOO_LONG);
    }

    @Test
    void stuffedDotCountsTowardsLineLength() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);

        reader.read(bytes("." + "x".repeat(DataReader.MAX_TEXT_LINE - 2) + "\r\n.\r\n"));

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.LINE_TOO_LONG);
    }

    @Test
    void oversizedMessageIsReadToEndAndRejected() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 100, 110, true, 100, null);
        ByteBuf input = bytes("0123456789\r\n.\r\nNOOP\r\n");

        assertThat(reader.read(input)).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(reader.fault()).isEqualTo(DataReader.Fault.TOO_BIG);
        assertThat(input.toString(StandardCharsets.US_ASCII)).isEqualTo("NOOP\r\n");
    }

    @Test
    void writeFailureIsReportedAtEnd() {
        CollectingWriter writer = new CollectingWriter();
        writer.failWrites = true;
        DataReader reader = new DataReader(writer, 0, MAX, true, 100, null);

        assertThat(reader.read(bytes("hello\r\n.\r\n"))).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(reader.fault()).isEqualTo(DataReader.Fault.WRITE_FAILED);
        assertThat(reader.writeFailure()).hasMessageContaining("No space left");
    }

    @Test
    void largeMessageStreamsThroughSmallBuffer() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, 4 << 20, true, 100, null);
        String line = "y".repeat(76) + "\r\n";
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            wire.append(line);
        }
        wire.append(".\r\n");

        reader.read(bytes(wire.toString()));

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.NONE);
        assertThat(writer.content.size()).isEqualTo(20_000 * line.length());
    }

    @Test
    void countsReceivedFieldsOnlyInHeader() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 3, null);

        reader.read(bytes("Received: a\r\n\tb\r\nRECEIVED: c\r\nSubject: x\r\n\r\nReceived: body\r\n.\r\n"));

        assertThat(reader.hops()).isEqualTo(2);
        assertThat(reader.fault()).isEqualTo(DataReader.Fault.NONE);
    }

    @Test
    void tooManyReceivedFieldsIsLoop() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, true, 2, null);

        reader.read(bytes("Received: a\r\nreceived: b\r\n\r\nbody\r\n.\r\n"));

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.TOO_MANY_HOPS);
    }

    @Test
    void chunkModeKeepsDotsAndSpansChunks() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, false, 100, null);
        ByteBuf first = bytes(".dot line\r");
        ByteBuf second = bytes("\n.\r\nNOOP\r\n");

        assertThat(reader.readChunk(first, 10)).isEqualTo(10);
        assertThat(reader.readChunk(second, 4)).isEqualTo(4);
        reader.finishChunks();

        assertThat(writer.text()).isEqualTo(".dot line\r\n.\r\n");
        assertThat(reader.fault()).isEqualTo(DataReader.Fault.NONE);
        assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("NOOP\r\n");
    }

    @Test
    void chunkEndingInCrIsBare() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, MAX, false, 100, null);

        reader.readChunk(bytes("text\r"), 5);
        reader.finishChunks();

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.BARE_LINE_ENDING);
    }

    @Test
    void sizeLimitWinsOverLongLine() {
        CollectingWriter writer = new CollectingWriter();
        DataReader reader = new DataReader(writer, 0, 1500, true, 100, null);

        reader.read(bytes("x".repeat(2000) + "\r\n.\r\n"));

        assertThat(reader.fault()).isEqualTo(DataReader.Fault.TOO_BIG);
    }
}
