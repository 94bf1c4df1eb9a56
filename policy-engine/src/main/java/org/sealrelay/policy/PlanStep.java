package org.sealrelay.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * One step of a delivery plan: a method and, for SMTP relay, the TLS level it must reach.
 *
 * @param method how the step delivers
 * @param tlsLevel the level a {@link DeliveryMethod#TLS} step must reach; {@code null} for
 *     {@link DeliveryMethod#PGP} and {@link DeliveryMethod#SMIME} steps, whose encrypted copies
 *     are relayed at a level the gateway configuration sets
 */
public record PlanStep(DeliveryMethod method, TlsLevel tlsLevel) {
    public PlanStep {
        Objects.requireNonNull(method, "method");
        if (method == DeliveryMethod.TLS && tlsLevel == null) {
            throw new IllegalArgumentException("a tls step needs a TLS level");
        }
        if (method != DeliveryMethod.TLS && tlsLevel != null) {
            throw new IllegalArgumentException("a " + method.name().toLowerCase(Locale.ROOT)
                    + " step takes no TLS level; the gateway configuration sets the level for encrypted copies");
        }
    }

    /** Returns a relay step at the given TLS level. */
    public static PlanStep relay(TlsLevel level) {
        return new PlanStep(DeliveryMethod.TLS, Objects.requireNonNull(level, "level"));
    }

    /**
     * Returns a step that encrypts the content with the given method.
     *
     * @throws IllegalArgumentException if the method is {@link DeliveryMethod#TLS}
     */
    public static PlanStep encrypt(DeliveryMethod method) {
        return new PlanStep(method, null);
    }

    @Override
    public String toString() {
        return method == DeliveryMethod.TLS ? "tls-" + tlsLevel.configName() : method.name().toLowerCase(Locale.ROOT);
    }
}
