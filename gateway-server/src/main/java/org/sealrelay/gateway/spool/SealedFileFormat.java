package org.sealrelay.gateway.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Layout of a sealed spool file, shared by the content and the envelope file.
 *
 * <pre>
 * offset  octets  field
 *      0       4  magic "SRSF"
 *      4       1  format version: 1 for a file that holds one sealed stream, 2 for a message
 *                 file, whose content stream is followed by an envelope stream and a trailer
 *                 (see {@link MessageFile})
 *      5       4  key id, big-endian
 *      9      16  random salt for the file key
 *     25       7  random nonce prefix
 *     32     ...  chunks: AES-256-GCM ciphertext of CHUNK_OCTETS plaintext octets (fewer in the
 *                 last chunk, which may be empty) followed by its 16-octet tag
 * </pre>
 *
 * <p>Each file is encrypted under its own file key, HMAC-SHA256(master key, label || salt). Under
 * the master key alone, random 7-octet nonce prefixes would collide with probability about
 * n&sup2;/2<sup>57</sup> after n files, and a repeated GCM nonce exposes the authentication key.
 * With a file key, nonces only need to be unique within one file, which the chunk index ensures.
 *
 * <p>The nonce of chunk i is prefix || i (4 octets, big-endian) || 1 for the last chunk, else 0.
 * The associated data of every chunk is the 32 header octets, the {@link FileRole} code and the
 * queue id in ASCII. So a reader detects a changed header, a reordered, dropped or altered chunk,
 * truncation at a chunk boundary (the new last chunk was not sealed as last), and a file moved to
 * another queue id or role.
 */
final class SealedFileFormat {
    static final int HEADER_OCTETS = 32;
    static final int CHUNK_OCTETS = 64 * 1024;
    static final int TAG_OCTETS = 16;
    static final int TAG_BITS = TAG_OCTETS * 8;
    static final int NONCE_OCTETS = 12;
    static final String CIPHER = "AES/GCM/NoPadding";

    private static final byte[] MAGIC = {'S', 'R', 'S', 'F'};
    /** Version of a file that holds exactly one sealed stream. */
    static final byte SINGLE_STREAM = 1;
    /** Version of a content stream that a sealed envelope and a {@link MessageFile} trailer follow. */
    static final byte WITH_ENVELOPE_TRAILER = 2;
    private static final int SALT_OCTETS = 16;
    private static final int PREFIX_OCTETS = 7;
    private static final byte[] FILE_KEY_LABEL =
            "sealrelay spool file key v1".getBytes(StandardCharsets.US_ASCII);
    // The default NativePRNG reads /dev/urandom under one global lock on every call, which showed
    // as 4.5% of the gateway's samples on the event loops that create spool files. A DRBG per
    // thread (NIST SP 800-90A, seeded from the system entropy source) makes no system call.
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SealedFileFormat::newRandom);

    // JCA lookups walk the provider list on every getInstance call. One instance per thread,
    // fetched for each chunk rather than held by a stream, is never used by two threads at once,
    // even when a stream is opened on one thread and read on another. Each chunk operation
    // re-initialises the instance completely, so streams on the same thread can share it.
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> instance(() -> Cipher.getInstance(CIPHER)));
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> instance(() -> Mac.getInstance("HmacSHA256")));

    private SealedFileFormat() {}

    private interface Lookup<T> {
        T get() throws GeneralSecurityException;
    }

    private static <T> T instance(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + CIPHER + " or HmacSHA256, which every Java SE 17 runtime provides", e);
        }
    }

    /** Returns this thread's AES-GCM cipher; initialise it fully before each use. */
    static Cipher cipher() {
        return CIPHERS.get();
    }

    /** Parsed header of a sealed file. */
    record Header(byte[] octets, byte version, int keyId, byte[] salt, byte[] noncePrefix) {}

    // Every JDK since 9 provides DRBG; the fallback only guards a provider list without it.
    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** Creates the header of a single-stream file sealed under the given key id, with fresh random values. */
    static Header newHeader(int keyId) {
        return newHeader(keyId, SINGLE_STREAM);
    }

    /** Creates a header of the given format version under the given key id, with fresh random values. */
    static Header newHeader(int keyId, byte version) {
        byte[] salt = new byte[SALT_OCTETS];
        byte[] prefix = new byte[PREFIX_OCTETS];
        SecureRandom random = RANDOM.get();
        random.nextBytes(salt);
        random.nextBytes(prefix);
        ByteBuffer header = ByteBuffer.allocate(HEADER_OCTETS);
        header.put(MAGIC).put(version).putInt(keyId).put(salt).put(prefix);
        return new Header(header.array(), version, keyId, salt, prefix);
    }

    /**
     * Parses the first {@link #HEADER_OCTETS} octets of a file.
     *
     * @throws IOException if the magic or the format version does not match
     */
    static Header parseHeader(byte[] octets, String fileDescription) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(octets);
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(fileDescription + " is not a sealed spool file: invalid magic");
        }
        byte version = header.get();
        if (version != SINGLE_STREAM && version != WITH_ENVELOPE_TRAILER) {
            throw new IOException(fileDescription + " has unsupported format version " + version
                    + "; expected " + SINGLE_STREAM + " or " + WITH_ENVELOPE_TRAILER);
        }
        int keyId = header.getInt();
        byte[] salt = new byte[SALT_OCTETS];
        byte[] prefix = new byte[PREFIX_OCTETS];
        header.get(salt).get(prefix);
        return new Header(octets.clone(), version, keyId, salt, prefix);
    }

    /** Derives the AES-256 key of one file from a master key and the file's salt. */
    static SecretKey deriveFileKey(SecretKey masterKey, byte[] salt) throws IOException {
        try {
            Mac mac = MACS.get();
            mac.init(masterKey);
            mac.update(FILE_KEY_LABEL);
            byte[] fileKey = mac.doFinal(salt);
            SecretKeySpec spec = new SecretKeySpec(fileKey, "AES");
            Arrays.fill(fileKey, (byte) 0);
            return spec;
        } catch (GeneralSecurityException e) {
            throw new IOException("the spool master key cannot key HmacSHA256", e);
        }
    }

    /** Returns the associated data that every chunk of the file is sealed with. */
    static byte[] associatedData(Header header, FileRole role, QueueId id) {
        byte[] idOctets = id.value().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(HEADER_OCTETS + 1 + idOctets.length)
                .put(header.octets())
                .put(role.code())
                .put(idOctets)
                .array();
    }

    /** Returns the nonce of chunk {@code index}. */
    static byte[] chunkNonce(Header header, int index, boolean last) {
        return ByteBuffer.allocate(NONCE_OCTETS)
                .put(header.noncePrefix())
                .putInt(index)
                .put(last ? (byte) 1 : (byte) 0)
                .array();
    }
}
