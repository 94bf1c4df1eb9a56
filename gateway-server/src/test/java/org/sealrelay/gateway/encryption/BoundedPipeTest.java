package org.sealrelay.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.delivery.NonBlockingInput;

class BoundedPipeTest {
    @Test
    void emptyPipeReportsThatReadWouldWait() {
        BoundedPipe pipe = new BoundedPipe(16);

        assertThat(((NonBlockingInput) pipe.source()).readableWithoutBlocking()).isZero();
    }

    @Test
    void listenerRunsWhenDataArrives() throws IOException {
        BoundedPipe pipe = new BoundedPipe(16);
        InputStream source = pipe.source();
        AtomicInteger calls = new AtomicInteger();
        ((NonBlockingInput) source).onReadable(calls::incrementAndGet);

        pipe.sink().write(new byte[] {1, 2, 3});

        assertThat(calls.get()).isEqualTo(1);
        assertThat(((NonBlockingInput) source).readableWithoutBlocking()).isEqualTo(3);
        assertThat(source.read(new byte[8], 0, 8)).isEqualTo(3);
    }

    @Test
    void listenerRunsAtOnceWhenAlreadyReadable() throws IOException {
        BoundedPipe pipe = new BoundedPipe(16);
        pipe.sink().write(new byte[] {1});
        AtomicInteger calls = new AtomicInteger();

        ((NonBlockingInput) pipe.source()).onReadable(calls::incrementAndGet);

        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void finishedAndFailedPipesReadAtOnce() {
        BoundedPipe finished = new BoundedPipe(16);
        AtomicInteger calls = new AtomicInteger();
        ((NonBlockingInput) finished.source()).onReadable(calls::incrementAndGet);
        finished.finish();
        BoundedPipe failed = new BoundedPipe(16);
        failed.fail(new IOException("key rejected"));

        assertThat(calls.get()).isEqualTo(1);
        assertThat(((NonBlockingInput) finished.source()).readableWithoutBlocking()).isEqualTo(-1);
        assertThat(((NonBlockingInput) failed.source()).readableWithoutBlocking()).isEqualTo(-1);
    }
}
