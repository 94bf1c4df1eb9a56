package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts a stream into the sealed file format of {@link SealedFileFormat}, one chunk at a time,
 * so a message of any size needs only one chunk of plaintext on the heap.
 *
 * <p>A full chunk is sealed only when more data follows it, because the last chunk must be sealed
 * with the last-chunk flag. {@link #finish()} seals the last chunk. A stream that is closed
 * without {@code finish()} (for example after an abort) leaves a file that readers reject.
 * Not thread-safe.
 */
final class ChunkedCipherOutputStream extends OutputStream {
    private final OutputStream out;
    private final SealedFileFormat.Header header;
    private final SecretKey fileKey;
    private final byte[] associatedData;
    private final byte[] plaintext = new byte[SealedFileFormat.CHUNK_OCTETS];
    private final byte[] ciphertext = new byte[SealedFileFormat.CHUNK_OCTETS + SealedFileFormat.TAG_OCTETS];
    private int buffered;
    private int chunkIndex;
    private boolean finished;

    /**
     * Writes the header to {@code out} and prepares to seal chunks for the given queue id and role.
     * The stream takes ownership of {@code out} and closes it in {@link #close()}.
     */
    ChunkedCipherOutputStream(OutputStream out, SpoolKeys.Key masterKey, FileRole role, QueueId id)
            throws IOException {
        this(out, masterKey, role, id, SealedFileFormat.SINGLE_STREAM);
    }

    /** As above, with the format version to write into the header (see {@link SealedFileFormat}). */
    ChunkedCipherOutputStream(OutputStream out, SpoolKeys.Key masterKey, FileRole role, QueueId id, byte version)
            throws IOException {
        this.out = out;
        this.header = SealedFileFormat.newHeader(masterKey.id(), version);
        this.fileKey = SealedFileFormat.deriveFileKey(masterKey.secret(), header.salt());
        this.associatedData = SealedFileFormat.associatedData(header, role, id);
        out.write(header.octets());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (finished) {
            throw new IOException("write after finish");
        }
        int remaining = length;
        int position = offset;
        while (remaining > 0) {
            // Seal a full buffer only now that more data is known to follow it.
            if (buffered == plaintext.length) {
                sealChunk(false);
            }
            int copied = Math.min(remaining, plaintext.length - buffered);
            System.arraycopy(bytes, position, plaintext, buffered, copied);
            buffered += copied;
            position += copied;
            remaining -= copied;
        }
    }

    /** Returns the number of chunks sealed and written so far; none of them is the last chunk until {@link #finish()}. */
    int sealedChunks() {
        return chunkIndex;
    }

    /** Returns a copy of the plaintext buffered for the next chunk, which is not on disk yet. */
    byte[] unsealedCopy() {
        return java.util.Arrays.copyOf(plaintext, buffered);
    }

    /** Seals the buffered data as the last chunk and flushes; later writes fail. Idempotent. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        sealChunk(true);
        finished = true;
        out.flush();
    }

    /** Finishes the file and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void sealChunk(boolean last) throws IOException {
        if (chunkIndex == Integer.MAX_VALUE) {
            throw new IOException("sealed file exceeds the maximum of " + Integer.MAX_VALUE + " chunks");
        }
        byte[] nonce = SealedFileFormat.chunkNonce(header, chunkIndex, last);
        int sealed;
        try {
            Cipher cipher = SealedFileFormat.cipher();
            cipher.init(Cipher.ENCRYPT_MODE, fileKey, new GCMParameterSpec(SealedFileFormat.TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            sealed = cipher.doFinal(plaintext, 0, buffered, ciphertext, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("failed to encrypt chunk " + chunkIndex, e);
        }
        out.write(ciphertext, 0, sealed);
        buffered = 0;
        chunkIndex++;
    }
}
