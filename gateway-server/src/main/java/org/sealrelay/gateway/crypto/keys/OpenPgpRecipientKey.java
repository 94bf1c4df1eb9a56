package org.sealrelay.gateway.crypto.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * An OpenPGP transferable public key. Every signature that decides something here (user ID
 * certifications, subkey bindings, revocations) is verified against the primary key first,
 * because anyone can append an unsigned or forged packet to a published key.
 *
 * <p>NOTE: revocations issued by a designated revoker (RFC 4880 section 5.2.3.15) are not
 * checked, and v5/v6 keys are handled as far as Bouncy Castle 1.86 parses them.
 */
public final class OpenPgpRecipientKey implements RecipientKey {
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    private static final int ENCRYPT_FLAGS = KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE;

    private final PGPPublicKeyRing ring;
    private final Set<String> addresses;

    OpenPgpRecipientKey(PGPPublicKeyRing ring) {
        this.ring = ring;
        this.addresses = Collections.unmodifiableSet(certifiedAddresses(ring));
    }

    public PGPPublicKeyRing ring() {
        return ring;
    }

    @Override
    public KeyKind kind() {
        return KeyKind.OPENPGP;
    }

    @Override
    public String fingerprint() {
        return HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint());
    }

    @Override
    public Set<String> addresses() {
        return addresses;
    }

    @Override
    public byte[] encoded() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            ring.encode(armor, true);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a public key in memory failed", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public KeyCheck check(Instant now) {
        PGPPublicKey primary = ring.getPublicKey();
        Optional<String> revocation = verifiedRevocation(primary, primary, PGPSignature.KEY_REVOCATION);
        if (revocation.isPresent()) {
            return KeyCheck.rejected(KeyStatus.REVOKED, "key " + fingerprint() + " is revoked" + revocation.get());
        }
        Optional<Instant> primaryExpiry = expiry(primary);
        if (primaryExpiry.isPresent() && !now.isBefore(primaryExpiry.get())) {
            return KeyCheck.rejected(KeyStatus.EXPIRED, "key " + fingerprint() + " expired on " + primaryExpiry.get());
        }
        if (addresses.isEmpty()) {
            return KeyCheck.rejected(KeyStatus.INVALID, "key " + fingerprint() + " has no self-certified user ID with a mail address");
        }
        SubkeySelection selection = selectEncryptionKey(now);
        if (selection.key != null) {
            return KeyCheck.usable("encrypts with key 0x" + keyId(selection.key));
        }
        return KeyCheck.rejected(selection.status, "key " + fingerprint() + " " + selection.reason);
    }

    /**
     * Returns the newest valid encryption-capable key of the ring at {@code now}.
     *
     * @throws IllegalStateException if the key is not usable; call {@link #check} first
     */
    public PGPPublicKey encryptionKey(Instant now) {
        KeyCheck check = check(now);
        if (!check.isUsable()) {
            throw new IllegalStateException(check.detail());
        }
        return selectEncryptionKey(now).key;
    }

    private SubkeySelection selectEncryptionKey(Instant now) {
        PGPPublicKey primary = ring.getPublicKey();
        PGPPublicKey best = null;
        String reason = "has no key or subkey with an encryption algorithm and encryption key flags";
        KeyStatus status = KeyStatus.NO_ENCRYPTION_USAGE;
        for (PGPPublicKey key : ring) {
            if (!key.isEncryptionKey()) {
                continue;
            }
            PGPSignature binding = key.isMasterKey() ? latestSelfCertification(primary) : latestBinding(primary, key);
            if (binding == null) {
                continue;
            }
            if (!allowsEncryption(binding.getHashedSubPackets())) {
                continue;
            }
            if (!key.isMasterKey()) {
                Optional<String> revoked = verifiedRevocation(primary, key, PGPSignature.SUBKEY_REVOCATION);
                if (revoked.isPresent()) {
                    status = KeyStatus.REVOKED;
                    reason = "has only revoked encryption subkeys (0x" + keyId(key) + revoked.get() + ")";
                    continue;
                }
            }
            Optional<Instant> expires = bindingExpiry(key, binding);
            if (expires.isPresent() && !now.isBefore(expires.get())) {
                status = KeyStatus.EXPIRED;
                reason = "has only expired encryption subkeys (0x" + keyId(key) + " expired on " + expires.get() + ")";
                continue;
            }
            if (key.getCreationTime().toInstant().isAfter(now)) {
                status = KeyStatus.NOT_YET_VALID;
                reason = "has encryption subkeys created in the future (0x" + keyId(key) + ")";
                continue;
            }
            if (best == null || key.getCreationTime().after(best.getCreationTime())) {
                best = key;
            }
        }
        return new SubkeySelection(best, status, reason);
    }

    private record SubkeySelection(PGPPublicKey key, KeyStatus status, String reason) {
    }

    /**
     * Returns true if the binding's key flags allow encryption. A missing key flags subpacket
     * allows any use the algorithm supports (RFC 4880 section 5.2.3.21).
     */
    private static boolean allowsEncryption(PGPSignatureSubpacketVector hashed) {
        if (hashed == null || hashed.getKeyFlags() == 0) {
            return true;
        }
        return (hashed.getKeyFlags() & ENCRYPT_FLAGS) != 0;
    }

    private static Optional<Instant> expiry(PGPPublicKey primary) {
        PGPSignature certification = latestSelfCertification(primary);
        if (certification == null) {
            return Optional.empty();
        }
        return bindingExpiry(primary, certification);
    }

    private static Optional<Instant> bindingExpiry(PGPPublicKey key, PGPSignature signature) {
        PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
        long seconds = hashed == null ? 0 : hashed.getKeyExpirationTime();
        if (seconds <= 0) {
            return Optional.empty();
        }
        return Optional.of(key.getCreationTime().toInstant().plusSeconds(seconds));
    }

    private static PGPSignature latestSelfCertification(PGPPublicKey primary) {
        PGPSignature latest = null;
        Iterator<String> userIds = primary.getUserIDs();
        while (userIds.hasNext()) {
            String userId = userIds.next();
            Iterator<PGPSignature> signatures = primary.getSignaturesForID(userId);
            while (signatures != null && signatures.hasNext()) {
                PGPSignature signature = signatures.next();
                if (isCertification(signature) && verifiesUserId(signature, primary, userId)
                        && (latest == null || signature.getCreationTime().after(latest.getCreationTime()))) {
                    latest = signature;
                }
            }
        }
        return latest;
    }

    private static PGPSignature latestBinding(PGPPublicKey primary, PGPPublicKey subkey) {
        PGPSignature latest = null;
        Iterator<PGPSignature> signatures = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        while (signatures.hasNext()) {
            PGPSignature signature = signatures.next();
            if (verifiesKey(signature, primary, subkey)
                    && (latest == null || signature.getCreationTime().after(latest.getCreationTime()))) {
                latest = signature;
            }
        }
        return latest;
    }

    /** Returns ": reason" (or "") if a revocation of {@code key} verifies against {@code primary}. */
    private static Optional<String> verifiedRevocation(PGPPublicKey primary, PGPPublicKey key, int type) {
        Iterator<PGPSignature> signatures = key.getSignaturesOfType(type);
        while (signatures.hasNext()) {
            PGPSignature signature = signatures.next();
            boolean verified = type == PGPSignature.KEY_REVOCATION
                    ? verifiesKey(signature, primary, null)
                    : verifiesKey(signature, primary, key);
            if (verified) {
                PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
                if (hashed != null && hashed.getRevocationReason() != null) {
                    String text = hashed.getRevocationReason().getRevocationDescription();
                    return Optional.of(text == null || text.isBlank() ? "" : ": " + text.strip());
                }
                return Optional.of("");
            }
        }
        return Optional.empty();
    }

    private static Set<String> certifiedAddresses(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        Set<String> result = new LinkedHashSet<>();
        Iterator<String> userIds = primary.getUserIDs();
        while (userIds.hasNext()) {
            String userId = userIds.next();
            boolean certified = false;
            boolean revoked = false;
            Iterator<PGPSignature> signatures = primary.getSignaturesForID(userId);
            while (signatures != null && signatures.hasNext()) {
                PGPSignature signature = signatures.next();
                if (signature.getSignatureType() == PGPSignature.CERTIFICATION_REVOCATION) {
                    revoked |= verifiesUserId(signature, primary, userId);
                } else if (isCertification(signature)) {
                    certified |= verifiesUserId(signature, primary, userId);
                }
            }
            if (certified && !revoked) {
                Addresses.fromUserId(userId).ifPresent(result::add);
            }
        }
        return result;
    }

    private static boolean isCertification(PGPSignature signature) {
        int type = signature.getSignatureType();
        return type == PGPSignature.DEFAULT_CERTIFICATION || type == PGPSignature.NO_CERTIFICATION
                || type == PGPSignature.CASUAL_CERTIFICATION || type == PGPSignature.POSITIVE_CERTIFICATION;
    }

    private static boolean verifiesUserId(PGPSignature signature, PGPPublicKey primary, String userId) {
        if (signature.getKeyID() != primary.getKeyID()) {
            return false;
        }
        try {
            signature.init(new JcaPGPContentVerifierBuilderProvider().setProvider(PROVIDER), primary);
            return signature.verifyCertification(userId, primary);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    /** Verifies a key revocation ({@code subkey} null) or a subkey binding or revocation. */
    private static boolean verifiesKey(PGPSignature signature, PGPPublicKey primary, PGPPublicKey subkey) {
        if (signature.getKeyID() != primary.getKeyID()) {
            return false;
        }
        try {
            signature.init(new JcaPGPContentVerifierBuilderProvider().setProvider(PROVIDER), primary);
            return subkey == null
                    ? signature.verifyCertification(primary)
                    : signature.verifyCertification(primary, subkey);
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static String keyId(PGPPublicKey key) {
        return Long.toHexString(key.getKeyID()).toUpperCase(Locale.ROOT);
    }
}
