package org.sealrelay.policy;

import java.util.Objects;

/**
 * A copy of the message, as received, for an archive mailbox. The gateway adds the address as
 * an extra envelope recipient that is hidden from every other recipient: it is delivered in its own SMTP
 * transaction, and its failures are never reported to the sender.
 *
 * @param address the archive mailbox, such as {@code archive@clinic.example}
 * @param plan how the copy leaves
 */
public record ArchiveCopy(String address, DeliveryPlan plan) {
    public ArchiveCopy {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(plan, "plan");
        int at = address.indexOf('@');
        if (at <= 0 || at == address.length() - 1 || !address.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                || address.indexOf('<') >= 0 || address.indexOf('>') >= 0) {
            throw new IllegalArgumentException("invalid archive address: expected local-part@domain in printable ASCII");
        }
    }
}
