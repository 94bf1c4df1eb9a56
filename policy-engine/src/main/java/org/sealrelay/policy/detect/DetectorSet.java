package org.sealrelay.policy.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

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
        LazyScan scan = lazyScan(() -> text);
        for (String name : detectors.keySet()) {
            try {
                counts.put(name, scan.count(name));
            } catch (RegexBudgetExceededException e) {
                counts.put(name, 1);
                overBudget.add(name);
            }
        }
        return new Scan(Collections.unmodifiableMap(counts), List.copyOf(overBudget));
    }

    /**
     * Returns counts for one text that run each detector only when a count is first requested,
     * so that a policy whose rules decide on an early detector hit never runs the others.
     */
    public LazyScan lazyScan(Supplier<? extends CharSequence> text) {
        return new LazyScan(text);
    }

    /**
     * Detector counts for one text, each computed on first request and kept. Not thread-safe: one
     * message is decided on one thread.
     */
    public final class LazyScan {
        private final Supplier<? extends CharSequence> source;
        private CharSequence text;
        private final Map<String, Integer> counts = new HashMap<>();
        private final Map<String, RegexBudgetExceededException> overBudget = new HashMap<>();

        private LazyScan(Supplier<? extends CharSequence> source) {
            this.source = Objects.requireNonNull(source, "text");
        }

        /**
         * Returns the count of the named detector, 0 for a name this set does not contain.
         *
         * @throws RegexBudgetExceededException when the detector's pattern exceeded its budget,
         *     on this and every later request for it
         */
        public int count(String name) {
            Integer known = counts.get(name);
            if (known != null) {
                return known;
            }
            RegexBudgetExceededException failed = overBudget.get(name);
            if (failed != null) {
                throw failed;
            }
            Detector detector = detectors.get(name);
            if (detector == null) {
                return 0;
            }
            if (text == null) {
                text = new ScanText(source.get());
            }
            try {
                int count = detector.count(text);
                counts.put(name, count);
                return count;
            } catch (RegexBudgetExceededException e) {
                overBudget.put(name, e);
                throw e;
            }
        }

        /** Returns whether {@code e} came from a detector of this scan rather than from a rule's own pattern. */
        public boolean isDetectorFailure(RegexBudgetExceededException e) {
            return overBudget.containsValue(e);
        }
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
