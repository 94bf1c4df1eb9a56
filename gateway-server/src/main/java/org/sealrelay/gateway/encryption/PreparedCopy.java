package org.sealrelay.gateway.encryption;

import java.util.Objects;

/** The outcome of choosing keys for one recipient's encrypted copy. */
sealed interface PreparedCopy {
    /**
     * Keys were found and an encryptor is built.
     *
     * @param encryptor writes the copy for this recipient
     * @param keyFingerprint the recipient key's fingerprint, for the log
     * @param details extra facts for the log, such as the escrow key and signing; never content
     */
    record Ready(CopyEncryptor encryptor, String keyFingerprint, String details) implements PreparedCopy {
        public Ready {
            Objects.requireNonNull(encryptor, "encryptor");
            Objects.requireNonNull(keyFingerprint, "keyFingerprint");
            Objects.requireNonNull(details, "details");
        }
    }

    /**
     * The step cannot be used for this recipient.
     *
     * @param reason enhanced status code and text, such as
     *     {@code 4.7.5 no OpenPGP key for the recipient in the key directory}; never an address
     */
    record Unavailable(String reason) implements PreparedCopy {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
