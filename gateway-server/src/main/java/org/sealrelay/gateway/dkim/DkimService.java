package org.sealrelay.gateway.dkim;

import java.util.Optional;

/**
 * The mail a key signs, published as the {@code s=} tag of its key record (RFC 6376 section
 * 3.6.1). RFC 8460 lets receivers of TLS reports ignore signatures whose key record lacks
 * {@code s=tlsrpt} (dkimpy's strict mode does), and a key record with {@code s=tlsrpt} does not
 * verify ordinary mail, so a domain that wants both publishes two selectors.
 */
public enum DkimService {
    /** Any mail; the record has no {@code s=} tag, which means {@code *}. */
    ALL("all", ""),
    /** Delivery status notifications and other ordinary mail: {@code s=email}. */
    EMAIL("email", "email"),
    /** SMTP TLS reports only: {@code s=tlsrpt}. */
    TLSRPT("tlsrpt", "tlsrpt");

    private final String configName;
    private final String recordValue;

    DkimService(String configName, String recordValue) {
        this.configName = configName;
        this.recordValue = recordValue;
    }

    /** Returns the name used in {@code dkim.keys[].service}. */
    public String configName() {
        return configName;
    }

    /** Returns the {@code s=} value of the key record, or an empty string for no tag. */
    public String recordValue() {
        return recordValue;
    }

    /** Returns whether a key published for this service may sign mail of {@code purpose}. */
    public boolean covers(DkimService purpose) {
        return this == ALL || this == purpose;
    }

    /** Returns the service named {@code name} in the configuration. */
    public static Optional<DkimService> fromConfigName(String name) {
        for (DkimService service : values()) {
            if (service.configName.equals(name)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }
}
