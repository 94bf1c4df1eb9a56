package org.sealrelay.gateway.smtp.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;

/**
 * Coverage-guided fuzzing of the listener's parsers with Jazzer. The suite runs it for a
 * bounded time (the surefire {@code fuzz} execution sets JAZZER_FUZZ=1); without that variable
 * it replays only the stored inputs. One fuzz test drives every parser, because Jazzer fuzzes
 * one test per JVM.
 */
class ParserFuzzTest {
    @FuzzTest(maxDuration = "45s")
    void parsersKeepTheirContracts(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> dataReaderMatchesReference(data.consumeRemainingAsBytes(), data);
            case 1 -> pathArgumentStaysClean(data.consumeRemainingAsAsciiString());
            default -> authExchangeNeverThrows(data.consumeAsciiString(40), data.consumeRemainingAsAsciiString());
        }
    }

    /**
     * The streaming reader must agree with a plain reference: end of data only at the first
     * CRLF "." CRLF (or "." CRLF at the very start), and a clean message only when every line
     * ends in CRLF.
     */
    private static void dataReaderMatchesReference(byte[] input, FuzzedDataProvider unused) {
        Collecting writer = new Collecting();
        DataReader reader = new DataReader(writer, 0, 1 << 20, true, 100, null);
        ByteBuf buffer = Unpooled.wrappedBuffer(input);
        DataReader.Progress progress = reader.read(buffer);

        String text = new String(input, StandardCharsets.ISO_8859_1);
        boolean emptyMessage = text.startsWith(".\r\n");
        int end = emptyMessage ? 0 : text.indexOf("\r\n.\r\n");
        if (end < 0) {
            assertThat(progress).isEqualTo(DataReader.Progress.NEED_MORE);
            return;
        }
        int consumed = emptyMessage ? 3 : end + 5;
        assertThat(progress).isEqualTo(DataReader.Progress.COMPLETE);
        assertThat(buffer.readerIndex()).isEqualTo(consumed);
        if (reader.fault() == DataReader.Fault.NONE) {
            String body = emptyMessage ? "" : text.substring(0, end + 2);
            String expected = body.replace("\r\n.", "\r\n");
            if (expected.startsWith(".")) {
                expected = expected.substring(1);
            }
            assertThat(writer.content.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            String withoutCrlf = body.replace("\r\n", "");
            assertThat(withoutCrlf).doesNotContain("\r").doesNotContain("\n");
        }
    }

    private static void pathArgumentStaysClean(String argument) {
        try {
            PathArgument path = PathArgument.parse(argument, "TO", false);
            for (char c : path.address().toCharArray()) {
                assertThat(c == '\r' || c == '\n' || c == 0).as("control character in parsed address").isFalse();
            }
            assertThat(path.address()).isNotEmpty();
        } catch (PathArgument.SyntaxException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static void authExchangeNeverThrows(String command, String response) {
        AuthExchange exchange = new AuthExchange();
        AuthExchange.Step step = exchange.start(command.isBlank() ? "PLAIN" : command);
        if (step instanceof AuthExchange.Challenge) {
            step = exchange.respond(response);
        }
        if (step instanceof AuthExchange.Complete complete) {
            Arrays.fill(complete.password(), '\0');
        }
        assertThat(step).isNotNull();
    }

    private static final class Collecting implements MessageWriter {
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        private final QueueId id = QueueId.generate();

        @Override
        public QueueId id() {
            return id;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            content.write(bytes, offset, length);
        }

        @Override
        public long size() {
            return content.size();
        }

        @Override
        public java.io.InputStream openWritten() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abort() {
        }
    }
}
