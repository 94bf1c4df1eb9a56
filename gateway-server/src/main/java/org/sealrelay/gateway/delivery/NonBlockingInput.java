package org.sealrelay.gateway.delivery;

/**
 * A content stream that reports to an event-loop reader whether a read would wait. The SMTP
 * client reads content on its Netty event loop. A stream that another thread fills, such as an
 * encrypted copy being produced, must not make that loop wait, because every session on the
 * loop would stall with it.
 */
public interface NonBlockingInput {
    /**
     * Returns how many octets a read returns without waiting, 0 when a read would wait, or -1
     * when a read returns at once with end of stream or an exception.
     */
    int readableWithoutBlocking();

    /**
     * Runs {@code listener} once when {@link #readableWithoutBlocking()} becomes non-zero, at
     * once if it already is. It may run on any thread, so it must only hand work to the reader's
     * own thread.
     */
    void onReadable(Runnable listener);
}
