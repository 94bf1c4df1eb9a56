package org.sealrelay.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.crypto.EncryptionException;
import org.sealrelay.gateway.crypto.GeneratedMessage;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.smime.SmimeEncryptor;

class EncryptedContentTest {
    private static final long BODY_BYTES = 20L << 20;
    /** The pipe plus the encryptor's and the stream generators' fixed buffers, with room to spare. */
    private static final long MAX_READ_AHEAD = 2L << 20;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void encryptionWaitsForSlowReader() throws Exception {
        TestCertificates pki = new TestCertificates();
        SmimeEncryptor encryptor = SmimeEncryptor.builder()
                .recipient(pki.issue("jane@lab.example", TestCertificates.rsa(), KeyUsage.keyEncipherment).certificate())
                .build();
        AtomicLong consumed = new AtomicLong();
        EncryptedContent content = new EncryptedContent(() -> counting(new GeneratedMessage(BODY_BYTES, true), consumed),
                encryptor::encrypt, executor);

        long written;
        try (InputStream encrypted = content.open()) {
            Thread.sleep(500);
            long consumedWhileIdle = consumed.get();
            written = encrypted.transferTo(OutputStream.nullOutputStream());

            assertThat(consumedWhileIdle).as("clear octets read before the reader took any").isLessThan(MAX_READ_AHEAD);
        }
        assertThat(consumed.get()).as("clear octets read in total").isGreaterThan(BODY_BYTES);
        assertThat(written).as("encrypted octets, base64 of at least the body").isGreaterThan(BODY_BYTES * 4 / 3);
    }

    @Test
    void failedEncryptionFailsReader() throws Exception {
        CopyEncryptor failing = (message, out) -> {
            out.write(new byte[1000]);
            throw new EncryptionException("OpenPGP encryption failed: test failure");
        };
        EncryptedContent content = new EncryptedContent(() -> new GeneratedMessage(1 << 20, true), failing, executor);

        try (InputStream encrypted = content.open()) {
            assertThatThrownBy(() -> encrypted.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("encrypting the copy failed: org.sealrelay.gateway.crypto.EncryptionException:"
                            + " OpenPGP encryption failed: test failure");
        }
    }

    @Test
    void closingReaderStopsEncryption() throws Exception {
        AtomicLong consumed = new AtomicLong();
        java.util.concurrent.CompletableFuture<Throwable> writerEnd = new java.util.concurrent.CompletableFuture<>();
        CopyEncryptor copying = (message, out) -> {
            try {
                message.transferTo(out);
                writerEnd.complete(null);
            } catch (IOException e) {
                writerEnd.complete(e);
                throw e;
            }
        };
        EncryptedContent content = new EncryptedContent(() -> counting(new GeneratedMessage(BODY_BYTES, true), consumed),
                copying, executor);

        InputStream encrypted = content.open();
        assertThat(encrypted.read(new byte[100])).isPositive();
        encrypted.close();

        assertThat(writerEnd.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                .hasMessage("the reader of the encrypted copy closed the pipe");
        assertThat(consumed.get()).isLessThan(MAX_READ_AHEAD);
    }

    private static InputStream counting(InputStream in, AtomicLong consumed) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int count = super.read(buffer, offset, length);
                if (count > 0) {
                    consumed.addAndGet(count);
                }
                return count;
            }
        };
    }
}
