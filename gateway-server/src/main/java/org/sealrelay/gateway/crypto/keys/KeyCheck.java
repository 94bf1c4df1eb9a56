package org.sealrelay.gateway.crypto.keys;

import java.util.Objects;

/**
 * The result of checking one key at one moment.
 *
 * @param status usable, or the reason it is not
 * @param detail a sentence for operators, such as "encryption subkey 0x1234 expired on
 *     2026-01-01T00:00:00Z"; never a mail address
 */
public record KeyCheck(KeyStatus status, String detail) {
    public KeyCheck {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    static KeyCheck usable(String detail) {
        return new KeyCheck(KeyStatus.USABLE, detail);
    }

    static KeyCheck rejected(KeyStatus status, String detail) {
        if (status == KeyStatus.USABLE) {
            throw new IllegalArgumentException("a rejection needs a status other than USABLE");
        }
        return new KeyCheck(status, detail);
    }

    public boolean isUsable() {
        return status == KeyStatus.USABLE;
    }
}
