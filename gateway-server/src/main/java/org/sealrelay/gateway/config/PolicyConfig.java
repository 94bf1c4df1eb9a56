package org.sealrelay.gateway.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the rules come from and how much content the gateway reads for them.
 *
 * @param file rules file; empty to relay by {@code delivery.tls-levels} and the default level
 * @param maxTextPerPart characters of text kept from one MIME part for rules and detectors
 * @param maxTextTotal characters of text kept from one message
 * @param maxDocumentSize octets up to which a PDF, Office or TNEF attachment is read for text
 */
public record PolicyConfig(Optional<Path> file, int maxTextPerPart, int maxTextTotal, int maxDocumentSize) {
    public PolicyConfig {
        if (maxTextPerPart < 1 || maxTextTotal < maxTextPerPart) {
            throw new IllegalArgumentException("invalid text limits: max-text-per-part " + maxTextPerPart
                    + ", max-text-total " + maxTextTotal + "; expected 1 <= max-text-per-part <= max-text-total");
        }
        if (maxDocumentSize < 0) {
            throw new IllegalArgumentException("invalid max-document-size " + maxDocumentSize + "; expected 0 or more");
        }
    }
}
