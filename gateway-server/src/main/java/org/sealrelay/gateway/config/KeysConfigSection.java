package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.time.Duration;

/** Reads the {@code keys} section of {@code sealrelay.yaml} into a {@link KeysConfig}. */
final class KeysConfigSection {
    /** The harvester reads a message whole; 64 MiB bounds that memory. */
    private static final long MAX_HARVEST_MESSAGE_SIZE = 64L << 20;

    private KeysConfigSection() {
    }

    static KeysConfig parse(ConfigNode node) throws ConfigException {
        if (node == null) {
            return KeysConfig.DEFAULTS;
        }
        KeysConfig defaults = KeysConfig.DEFAULTS;
        String directory = node.string("directory", KeysConfig.DEFAULT_DIRECTORY.toString());
        boolean wkd = node.bool("wkd", false);
        boolean dns = node.bool("dns", false);
        boolean harvest = node.bool("harvest", false);
        String trustFile = node.string("wkd-trust-file", null);
        Duration timeout = positive(node, "wkd-timeout", defaults.wkdTimeout());
        Duration positiveTtl = positive(node, "positive-ttl", defaults.positiveTtl());
        Duration negativeTtl = positive(node, "negative-ttl", defaults.negativeTtl());
        long maxSize = node.size("harvest-max-message-size", defaults.harvestMaxMessageSize());
        if (maxSize < 1 || maxSize > MAX_HARVEST_MESSAGE_SIZE) {
            throw node.invalid("harvest-max-message-size", "invalid size " + maxSize + ": expected 1 to "
                    + MAX_HARVEST_MESSAGE_SIZE + " octets (64 MiB)");
        }
        node.rejectUnknownKeys();
        return new KeysConfig(Path.of(directory), wkd, dns, harvest,
                trustFile == null ? null : Path.of(trustFile), timeout, positiveTtl, negativeTtl, (int) maxSize);
    }

    private static Duration positive(ConfigNode node, String key, Duration fallback) throws ConfigException {
        Duration value = node.duration(key, fallback);
        if (value.isZero() || value.isNegative()) {
            throw node.invalid(key, "invalid duration " + value + ": expected more than zero");
        }
        return value;
    }
}
