package org.sealrelay.gateway.spool;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a client asked of delivery status notifications for one recipient (RFC 3461 NOTIFY and
 * ORCPT).
 *
 * @param conditions the NOTIFY conditions; empty when the client gave none, which means the
 *     default (failures, and delays at the MTA's discretion). {@link Notify#NEVER} stands alone.
 * @param originalRecipient the ORCPT value as given, such as {@code rfc822;jane@example.org}
 *     (address type, semicolon, xtext); empty when absent
 */
public record DsnRequest(Set<Notify> conditions, String originalRecipient) {
    /** NOTIFY keywords of RFC 3461 section 4.1. */
    public enum Notify {
        NEVER,
        SUCCESS,
        FAILURE,
        DELAY
    }

    /** No NOTIFY and no ORCPT. */
    public static final DsnRequest DEFAULT = new DsnRequest(Set.of(), "");

    public DsnRequest {
        conditions = conditions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(conditions));
        Objects.requireNonNull(originalRecipient, "originalRecipient");
        if (conditions.contains(Notify.NEVER) && conditions.size() > 1) {
            throw new IllegalArgumentException("NOTIFY=NEVER cannot be combined with other values");
        }
    }

    /** Whether a failure of this recipient should be reported to the sender. */
    public boolean wantsFailureReport() {
        return conditions.isEmpty() || conditions.contains(Notify.FAILURE);
    }

    /** Whether the sender asked to hear of this recipient's successful delivery or relay. */
    public boolean wantsSuccessReport() {
        return conditions.contains(Notify.SUCCESS);
    }

    /** Whether a delay of this recipient may be reported to the sender. */
    public boolean wantsDelayReport() {
        return conditions.isEmpty() || conditions.contains(Notify.DELAY);
    }
}
