package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Decrypts a file in the sealed format of {@link SealedFileFormat}, verifying each chunk before
 * returning any of its bytes. JDK GCM decryption releases plaintext only from {@code doFinal},
 * after the tag has been checked.
 *
 * <p>Outcomes of a read: clear-text bytes of a verified chunk, -1 after the chunk sealed as last,
 * or an IOException when a chunk fails its check, the file ends before the last chunk, or the
 * header is invalid. After an IOException the stream returns no more data. Not thread-safe.
 */
final class ChunkedCipherInputStream extends InputStream {
    private static final int SEALED_CHUNK_OCTETS = SealedFileFormat.CHUNK_OCTETS + SealedFileFormat.TAG_OCTETS;

    private final PushbackInputStream in;
    private final String fileDescription;
    private final SealedFileFormat.Header header;
    private final SecretKey fileKey;
    private final byte[] associatedData;
    private final int chunkLimit;
    private final byte[] ciphertext = new byte[SEALED_CHUNK_OCTETS];
    private final byte[] plaintext = new byte[SealedFileFormat.CHUNK_OCTETS];
    private int plaintextLength;
    private int plaintextPosition;
    private int chunkIndex;
    private boolean lastChunkRead;
    private IOException failure;

    /**
     * Reads and checks the header of {@code in}. The stream takes ownership of {@code in}.
     *
     * @throws IOException if the header is invalid or names a key that {@code keys} lacks
     */
    ChunkedCipherInputStream(InputStream in, SpoolKeys keys, FileRole role, QueueId id) throws IOException {
        this(in, keys, role, id, -1);
    }

    /**
     * Reads the first {@code chunkLimit} chunks of a file that is still being written, none of
     * which is sealed as the last chunk, and then ends; a negative limit reads a finished file.
     */
    ChunkedCipherInputStream(InputStream in, SpoolKeys keys, FileRole role, QueueId id, int chunkLimit)
            throws IOException {
        this.chunkLimit = chunkLimit;
        this.in = new PushbackInputStream(in, 1);
        this.fileDescription = role + " file of " + id;
        byte[] headerOctets = this.in.readNBytes(SealedFileFormat.HEADER_OCTETS);
        if (headerOctets.length < SealedFileFormat.HEADER_OCTETS) {
            throw new IOException(fileDescription + " is truncated: header has " + headerOctets.length
                    + " of " + SealedFileFormat.HEADER_OCTETS + " octets");
        }
        this.header = SealedFileFormat.parseHeader(headerOctets, fileDescription);
        SpoolKeys.Key masterKey = keys.find(header.keyId()).orElseThrow(() -> new IOException(
                fileDescription + " is sealed with key id " + header.keyId() + ", which is not in key file "
                        + keys.file() + "; restore the key file that contains it"));
        this.fileKey = SealedFileFormat.deriveFileKey(masterKey.secret(), header.salt());
        this.associatedData = SealedFileFormat.associatedData(header, role, id);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int count = read(one, 0, 1);
        return count < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        while (plaintextPosition == plaintextLength) {
            if (lastChunkRead) {
                return -1;
            }
            openNextChunk();
        }
        int count = Math.min(length, plaintextLength - plaintextPosition);
        System.arraycopy(plaintext, plaintextPosition, bytes, offset, count);
        plaintextPosition += count;
        return count;
    }

    @Override
    public int available() {
        return plaintextLength - plaintextPosition;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void openNextChunk() throws IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            decryptNextChunk();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private void decryptNextChunk() throws IOException {
        if (chunkLimit >= 0) {
            decryptUnfinishedChunk();
            return;
        }
        int sealedLength = in.readNBytes(ciphertext, 0, SEALED_CHUNK_OCTETS);
        if (sealedLength < SealedFileFormat.TAG_OCTETS) {
            throw new IOException(fileDescription + " is truncated: chunk " + chunkIndex + " has "
                    + sealedLength + " octets, fewer than its tag");
        }
        // A short chunk can only be the last. A full one is the last exactly when the file ends after it.
        boolean last = sealedLength < SEALED_CHUNK_OCTETS;
        if (!last) {
            int next = in.read();
            if (next < 0) {
                last = true;
            } else {
                in.unread(next);
            }
        }
        decryptChunk(sealedLength, last, ": the file was altered, truncated, or belongs to another message");
        lastChunkRead = last;
    }

    // In a file still being written every sealed chunk is full and not last; the limit ends the stream.
    private void decryptUnfinishedChunk() throws IOException {
        if (chunkIndex == chunkLimit) {
            plaintextLength = 0;
            plaintextPosition = 0;
            lastChunkRead = true;
            return;
        }
        int sealedLength = in.readNBytes(ciphertext, 0, SEALED_CHUNK_OCTETS);
        if (sealedLength < SEALED_CHUNK_OCTETS) {
            throw new IOException(fileDescription + " is truncated: chunk " + chunkIndex + " of " + chunkLimit
                    + " written chunks has " + sealedLength + " octets");
        }
        decryptChunk(sealedLength, false, " while being read back before commit");
    }

    /**
     * Decrypts the {@code sealedLength} octets in {@link #ciphertext} as chunk {@link #chunkIndex}
     * into {@link #plaintext} and moves to the next chunk. The nonce binds {@code last}, so a file
     * cut at a chunk boundary fails here.
     *
     * @param integrityContext what the integrity-check failure adds after the chunk number
     */
    private void decryptChunk(int sealedLength, boolean last, String integrityContext) throws IOException {
        byte[] nonce = SealedFileFormat.chunkNonce(header, chunkIndex, last);
        try {
            Cipher cipher = SealedFileFormat.cipher();
            cipher.init(Cipher.DECRYPT_MODE, fileKey, new GCMParameterSpec(SealedFileFormat.TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            plaintextLength = cipher.doFinal(ciphertext, 0, sealedLength, plaintext, 0);
        } catch (AEADBadTagException e) {
            throw new IOException(fileDescription + " failed its integrity check at chunk " + chunkIndex
                    + integrityContext, e);
        } catch (GeneralSecurityException e) {
            throw new IOException("failed to decrypt chunk " + chunkIndex + " of " + fileDescription, e);
        }
        plaintextPosition = 0;
        chunkIndex++;
    }
}
