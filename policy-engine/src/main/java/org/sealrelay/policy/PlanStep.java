package org.sealrelay.policy;

import java.util.Objects;

/** One step of a delivery plan: a method and, for SMTP relay, the TLS level it must reach. */
public record PlanStep(DeliveryMethod method, TlsLevel tlsLevel) {
    public PlanStep {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(tlsLevel, "tlsLevel");
    }

    /** Returns a relay step at the given TLS level. */
    public static PlanStep relay(TlsLevel level) {
        return new PlanStep(DeliveryMethod.TLS, level);
    }

    @Override
    public String toString() {
        return method == DeliveryMethod.TLS ? "tls-" + tlsLevel.configName() : method.name().toLowerCase();
    }
}
