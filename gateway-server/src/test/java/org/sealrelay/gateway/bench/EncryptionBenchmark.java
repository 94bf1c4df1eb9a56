package org.sealrelay.gateway.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sealrelay.gateway.crypto.TestCertificates;
import org.sealrelay.gateway.crypto.pgp.PgpMimeEncryptor;
import org.sealrelay.gateway.crypto.smime.ContentCipher;
import org.sealrelay.gateway.crypto.smime.SmimeEncryptor;

/**
 * JMH benchmark of encrypting one whole message for one recipient, as the {@code pgp} and
 * {@code smime} plan steps do: PGP/MIME (AES-256, ZIP compression, ASCII armor) to an RSA-2048
 * OpenPGP key, and S/MIME EnvelopedData (AES-256-CBC) or AuthEnvelopedData (AES-256-GCM) to an
 * RSA-2048 certificate with RSAES-OAEP. The output goes to a discarding stream, so the figure is
 * the CPU cost of the encryption alone. Divide messages per second by the size for octets per
 * second.
 *
 * <p>The body is printable text with line breaks, which compresses about as well as real mail
 * text; random octets would not compress at all and make PGP look slower.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncryptionBenchmark {
    /** Message size in octets, header section included. */
    @Param({"2048", "1048576"})
    public int size;

    /** The plan step and its content cipher. */
    @Param({"pgp", "smime-cbc", "smime-gcm"})
    public String method;

    private byte[] message;
    private PgpMimeEncryptor pgp;
    private SmimeEncryptor smime;

    @Setup
    public void createKeys() throws Exception {
        message = message(size);
        switch (method) {
            case "pgp" -> {
                KeyPair pair = TestCertificates.rsa();
                PGPPublicKey key = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PGPPublicKey.RSA_GENERAL, pair,
                        new Date()).getPublicKey();
                pgp = PgpMimeEncryptor.builder().recipient(key).build();
            }
            case "smime-cbc", "smime-gcm" -> {
                TestCertificates authority = new TestCertificates();
                TestCertificates.Issued recipient = authority.issue("jane.patient@clinic.example",
                        TestCertificates.rsa(), KeyUsage.keyEncipherment);
                smime = SmimeEncryptor.builder()
                        .recipient(recipient.certificate())
                        .contentCipher(method.equals("smime-gcm") ? ContentCipher.AES256_GCM : ContentCipher.AES256_CBC)
                        .build();
            }
            default -> throw new IllegalArgumentException("unknown method " + method);
        }
    }

    @Benchmark
    public long encrypt() throws Exception {
        CountingSink sink = new CountingSink();
        if (pgp != null) {
            pgp.encrypt(new ByteArrayInputStream(message), sink);
        } else {
            smime.encrypt(new ByteArrayInputStream(message), sink);
        }
        return sink.count;
    }

    private static byte[] message(int size) {
        StringBuilder text = new StringBuilder("""
                From: Front Desk <front-desk@hospital.example>\r
                To: Jane Patient <jane.patient@clinic.example>\r
                Subject: Lab results\r
                Date: Fri, 04 Dec 2026 09:00:00 +0000\r
                Message-ID: <bench-1@hospital.example>\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                """);
        String[] words = {"patient", "results", "follow-up", "clinic", "appointment", "glucose", "normal",
            "range", "please", "call", "the", "office", "if", "you", "have", "questions", "about", "your"};
        int word = 0;
        int line = 0;
        while (text.length() < size - 2) {
            String next = words[(word * 7 + line) % words.length];
            text.append(next).append(' ');
            word++;
            if (word % 12 == 0) {
                text.append("\r\n");
                line++;
            }
        }
        text.setLength(size - 2);
        text.append("\r\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            count += length;
        }
    }
}
