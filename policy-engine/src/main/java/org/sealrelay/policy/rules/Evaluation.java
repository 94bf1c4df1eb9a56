package org.sealrelay.policy.rules;

import java.util.Locale;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.detect.DetectorSet;

/**
 * The inputs of one rule evaluation: the message facts, one recipient and the detector counts
 * of the message, computed when a condition first requests them.
 */
record Evaluation(MessageFacts facts, String recipient, DetectorSet.LazyScan detectorCounts) {
    /** Returns the lower-case domain of an address, or an empty string without {@code @}. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }

    /** Returns the text that detectors and body patterns see: the subject, then the body text. */
    static String scannedText(MessageFacts facts) {
        return facts.content().subject() + "\n" + facts.content().text();
    }
}
