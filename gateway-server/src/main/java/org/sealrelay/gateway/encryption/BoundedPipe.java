package org.sealrelay.gateway.encryption;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import org.sealrelay.gateway.delivery.NonBlockingInput;

/**
 * A fixed-size byte buffer between one writer thread and one reader thread.
 *
 * <p>Contract: the reader sees end of stream only after the writer called {@link #finish()}.
 * When the writer fails ({@link #fail}), the reader gets an {@link IOException} instead, so a
 * half-written copy can never look complete. When the reader closes early, the writer's next
 * write fails, which stops the work that fills the pipe.
 *
 * <p>Unlike {@link java.io.PipedInputStream}, no side polls or checks whether the other
 * thread is still alive.
 *
 * <p>The reader's end is a {@link NonBlockingInput}, so a reader on an event loop can ask
 * whether a read would wait and be called back when it would not.
 */
final class BoundedPipe {
    private final byte[] buffer;
    private int readPosition;
    private int count;
    private boolean finished;
    private Throwable failure;
    private boolean readerClosed;
    private Runnable readableListener;

    BoundedPipe(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pipe capacity must be positive; got " + capacity);
        }
        this.buffer = new byte[capacity];
    }

    /** Returns the writer's end. Closing it does nothing: call {@link #finish} or {@link #fail}. */
    OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                put(bytes, offset, length);
            }
        };
    }

    /** Returns the reader's end; closing it abandons the pipe. */
    InputStream source() {
        return new Source();
    }

    private final class Source extends InputStream implements NonBlockingInput {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return take(bytes, offset, length);
        }

        @Override
        public int available() {
            return Math.max(readableWithoutBlocking(), 0);
        }

        @Override
        public void close() {
            closeReader();
        }

        @Override
        public int readableWithoutBlocking() {
            return readable();
        }

        @Override
        public void onReadable(Runnable listener) {
            whenReadable(listener);
        }
    }

    private synchronized int readable() {
        if (failure != null || readerClosed) {
            return -1;
        }
        if (count > 0) {
            return count;
        }
        return finished ? -1 : 0;
    }

    private void whenReadable(Runnable listener) {
        synchronized (this) {
            if (readable() == 0) {
                readableListener = listener;
                return;
            }
        }
        listener.run();
    }

    // Runs under the lock: the listener only hands a task to the reader's thread, so it neither
    // waits nor takes this lock again on this thread.
    private void signalReadable() {
        Runnable listener = readableListener;
        readableListener = null;
        if (listener != null) {
            listener.run();
        }
    }

    /** Marks the data complete; the reader gets end of stream once the buffer is drained. */
    synchronized void finish() {
        finished = true;
        notifyAll();
        signalReadable();
    }

    /** Marks the data incomplete; the reader's next read throws with this cause. */
    synchronized void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        notifyAll();
        signalReadable();
    }

    private synchronized void put(byte[] bytes, int offset, int length) throws IOException {
        int written = 0;
        while (written < length) {
            if (readerClosed) {
                throw new IOException("the reader of the encrypted copy closed the pipe");
            }
            if (finished || failure != null) {
                throw new IOException("write after the pipe was finished or failed");
            }
            if (count == buffer.length) {
                awaitChange();
                continue;
            }
            int writePosition = (readPosition + count) % buffer.length;
            int chunk = Math.min(length - written, Math.min(buffer.length - count, buffer.length - writePosition));
            System.arraycopy(bytes, offset + written, buffer, writePosition, chunk);
            count += chunk;
            written += chunk;
            notifyAll();
            signalReadable();
        }
    }

    private synchronized int take(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (failure != null) {
                throw new IOException("encrypting the copy failed: " + failure, failure);
            }
            if (readerClosed) {
                throw new IOException("the pipe is closed");
            }
            if (count > 0) {
                int chunk = Math.min(length, Math.min(count, buffer.length - readPosition));
                System.arraycopy(buffer, readPosition, bytes, offset, chunk);
                readPosition = (readPosition + chunk) % buffer.length;
                count -= chunk;
                notifyAll();
                return chunk;
            }
            if (finished) {
                return -1;
            }
            awaitChange();
        }
    }

    private synchronized void closeReader() {
        readerClosed = true;
        readableListener = null;
        notifyAll();
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the encrypted copy pipe");
        }
    }
}
