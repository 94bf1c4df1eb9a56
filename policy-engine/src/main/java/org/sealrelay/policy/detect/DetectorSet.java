package org.sealrelay.policy.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The detectors a policy uses: the built-in ones plus those configured in the rules file, with
 * unique names.
 */
public final class DetectorSet {
    private final Map<String, Detector> detectors;

    private DetectorSet(Map<String, Detector> detectors) {
        this.detectors = Collections.unmodifiableMap(detectors);
    }

    /** Returns the built-in detectors, with the default MRN pattern. */
    public static List<Detector> builtIn() {
        return List.of(new SsnDetector(), new NpiDetector(), new DeaDetector(), new MbiDetector(),
                new PaymentCardDetector(), new Icd10Detector(), new BirthDateDetector(),
                PatternDetector.defaultMrn());
    }

    /**
     * Returns the built-in detectors, with any of them replaced by a configured detector of the
     * same name (such as an organisation's own {@code mrn} pattern), followed by the other
     * configured detectors.
     */
    public static DetectorSet of(List<Detector> configured) {
        Map<String, Detector> byName = new LinkedHashMap<>();
        for (Detector detector : builtIn()) {
            byName.put(detector.name(), detector);
        }
        for (Detector detector : configured) {
            byName.put(detector.name(), Objects.requireNonNull(detector, "detector"));
        }
        return new DetectorSet(byName);
    }

    /** Whether a detector of that name exists. */
    public boolean contains(String name) {
        return detectors.containsKey(name);
    }

    /** Returns the detector names in scan order. */
    public List<String> names() {
        return new ArrayList<>(detectors.keySet());
    }

    /**
     * Runs every detector over the text and returns the counts by detector name, in scan order.
     * A detector whose pattern exceeded its {@link RegexBudget} counts 1, the safe side for rules
     * that require protection when a detector fires; {@link #scanAll} tells those apart.
     */
    public Map<String, Integer> scan(CharSequence text) {
        return scanAll(text).counts();
    }

    /** Runs every detector over the text and returns the counts and the detectors that ran out of budget. */
    public Scan scanAll(CharSequence text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> overBudget = new ArrayList<>();
        for (Detector detector : detectors.values()) {
            try {
                counts.put(detector.name(), detector.count(text));
            } catch (RegexBudgetExceededException e) {
                counts.put(detector.name(), 1);
                overBudget.add(detector.name());
            }
        }
        return new Scan(Collections.unmodifiableMap(counts), List.copyOf(overBudget));
    }

    /**
     * The result of one scan.
     *
     * @param counts occurrences by detector name, in scan order; 1 for a detector in {@code overBudget}
     * @param overBudget detectors whose pattern exceeded its {@link RegexBudget}, so their count is unknown
     */
    public record Scan(Map<String, Integer> counts, List<String> overBudget) {
    }
}
