package org.sealrelay.gateway.smtp.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sealrelay.gateway.spool.Envelope;
import org.sealrelay.gateway.spool.MessageWriter;
import org.sealrelay.gateway.spool.QueueId;

/**
 * JMH benchmark of the DATA phase: dot-unstuffing and end-of-data detection over a whole message
 * held in one buffer, with a writer that discards the content, so only {@link DataReader} itself
 * is measured. It sits in this package because DataReader is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DataReaderBenchmark {
    /** Message size in octets before the terminating CRLF "." CRLF. */
    @Param({"2048", "102400"})
    public int size;

    private ByteBuf data;

    @Setup
    public void buildMessage() {
        StringBuilder text = new StringBuilder(size + 8);
        text.append("Subject: benchmark\r\nFrom: a@bench.example\r\n\r\n");
        int line = 0;
        while (text.length() < size) {
            // Every tenth line starts with a dot, so the unstuffing branch runs too.
            text.append(line % 10 == 0 ? ".." : "").append("line ").append(line)
                    .append(" of a benchmark message body, 72 columns or so, plain ASCII text.\r\n");
            line++;
        }
        text.append(".\r\n");
        data = Unpooled.unreleasableBuffer(
                Unpooled.wrappedBuffer(text.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    @Benchmark
    public long unstuffMessage() {
        data.readerIndex(0);
        DataReader reader = new DataReader(new DiscardingWriter(), 0, Long.MAX_VALUE, true, 100, null);
        if (reader.read(data) != DataReader.Progress.COMPLETE) {
            throw new IllegalStateException("end of data not found");
        }
        return reader.size();
    }

    /** Counts octets and drops them. */
    private static final class DiscardingWriter implements MessageWriter {
        private static final QueueId ID = QueueId.generate();
        private long written;

        @Override
        public QueueId id() {
            return ID;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            written += length;
        }

        @Override
        public long size() {
            return written;
        }

        @Override
        public java.io.InputStream openWritten() {
            throw new UnsupportedOperationException("the benchmark never reads back");
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void abort() {}
    }
}
