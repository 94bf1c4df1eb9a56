package org.sealrelay.gateway.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sealrelay.gateway.submission.PolicyFile;
import org.sealrelay.policy.MessageFacts;
import org.sealrelay.policy.content.ContentFacts;
import org.sealrelay.policy.rules.RulesPolicy;

/**
 * Recall and false-positive rate of every detector of {@code config/policy.yaml} over the
 * labelled corpus that {@code scripts/policy-corpus} writes to {@code resources/corpus}. Each
 * message goes through {@link ContentExtractor} and {@link RulesPolicy#detectorCounts}, the
 * path the gateway takes at the end of DATA.
 *
 * <p>A detector fires on a message when its count is at least 1. Recall is the share of the
 * messages labelled with a detector on which it fires. The false-positive rate is the share of
 * the messages not labelled with it on which it fires. The floors equal the measured recall and
 * the ceilings sit just over the measured rates recorded in docs/policy.md, so that a detector
 * change that loses a case or adds a false positive fails here.
 */
class DetectorCorpusTest {
    private static final Path POLICY = Path.of("../config/policy.yaml");

    /** Minimum recall per detector, from the measured table in docs/policy.md. */
    private static final Map<String, Double> RECALL_FLOOR = Map.ofEntries(
            Map.entry("ssn", 1.0), Map.entry("npi", 1.0), Map.entry("dea", 1.0), Map.entry("mbi", 1.0),
            Map.entry("payment-card", 1.0), Map.entry("icd10", 1.0), Map.entry("dob", 1.0),
            Map.entry("mrn", 1.0), Map.entry("diagnosis-terms", 1.0), Map.entry("medication-terms", 1.0));

    /** Maximum false-positive rate per detector, from the measured table in docs/policy.md. */
    private static final Map<String, Double> FALSE_POSITIVE_CEILING = Map.ofEntries(
            Map.entry("ssn", 0.0), Map.entry("npi", 0.0), Map.entry("dea", 0.0), Map.entry("mbi", 0.02),
            Map.entry("payment-card", 0.01), Map.entry("icd10", 0.0), Map.entry("dob", 0.015),
            Map.entry("mrn", 0.0), Map.entry("diagnosis-terms", 0.0), Map.entry("medication-terms", 0.0));

    private static final Map<String, Set<String>> labels = new LinkedHashMap<>();
    private static final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    private static List<String> detectorNames;

    @BeforeAll
    static void scanCorpus() throws Exception {
        Path folder = Path.of(DetectorCorpusTest.class.getResource("/corpus").toURI());
        for (String line : Files.readAllLines(folder.resolve("labels.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            Set<String> expected = fields[1].equals("-") ? Set.of() : Set.copyOf(Arrays.asList(fields[1].split(",")));
            labels.put(fields[0], expected);
        }
        RulesPolicy policy = PolicyFile.read(POLICY);
        detectorNames = policy.detectors().names();
        for (String name : labels.keySet()) {
            counts.put(name, detectorCounts(policy, folder.resolve(name)));
        }
        System.out.println(table());
    }

    private static Map<String, Integer> detectorCounts(RulesPolicy policy, Path message) throws IOException {
        byte[] octets = Files.readAllBytes(message);
        ContentFacts content;
        try (InputStream in = new java.io.ByteArrayInputStream(octets)) {
            content = new ContentExtractor(ExtractionLimits.DEFAULTS).extract(in);
        }
        MessageFacts facts = new MessageFacts("192.0.2.1", "smtp", null, "sender@corpus.example",
                List.of("recipient@corpus.example"), octets.length, content);
        return policy.detectorCounts(facts);
    }

    @Test
    void corpusHasEnoughMessagesOfBothKinds() throws URISyntaxException, IOException {
        long phi = labels.values().stream().filter(expected -> !expected.isEmpty()).count();
        long benign = labels.size() - phi;

        assertThat(labels).hasSizeGreaterThanOrEqualTo(200);
        assertThat(phi).as("messages with PHI").isGreaterThanOrEqualTo(100);
        assertThat(benign).as("benign messages").isGreaterThanOrEqualTo(100);
        Path folder = Path.of(DetectorCorpusTest.class.getResource("/corpus").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            Set<String> emlFiles = new TreeSet<>(files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".eml")).toList());
            assertThat(emlFiles).as("every .eml file has a label and every label a file")
                    .isEqualTo(new TreeSet<>(labels.keySet()));
        }
    }

    @Test
    void everyLabelNamesAPolicyDetector() {
        Set<String> used = new TreeSet<>();
        labels.values().forEach(used::addAll);

        assertThat(detectorNames).containsAll(used);
        assertThat(used).as("every detector has positive examples").containsAll(detectorNames);
        assertThat(RECALL_FLOOR.keySet()).isEqualTo(Set.copyOf(detectorNames));
        assertThat(FALSE_POSITIVE_CEILING.keySet()).isEqualTo(Set.copyOf(detectorNames));
    }

    @Test
    void recallStaysAboveFloor() {
        SoftAssertions softly = new SoftAssertions();
        for (String detector : detectorNames) {
            Score score = score(detector);
            softly.assertThat(score.recall()).as("recall of %s, missed %s", detector, score.missed())
                    .isGreaterThanOrEqualTo(RECALL_FLOOR.get(detector));
        }
        softly.assertAll();
    }

    @Test
    void falsePositivesStayBelowCeiling() {
        SoftAssertions softly = new SoftAssertions();
        for (String detector : detectorNames) {
            Score score = score(detector);
            softly.assertThat(score.falsePositiveRate()).as("false-positive rate of %s, fired on %s", detector,
                    score.falsePositives()).isLessThanOrEqualTo(FALSE_POSITIVE_CEILING.get(detector));
        }
        softly.assertAll();
    }

    /** Confusion counts of one detector over the corpus, with the messages it got wrong. */
    private record Score(int truePositives, List<String> missed, List<String> falsePositives, int trueNegatives) {
        double recall() {
            int labelled = truePositives + missed.size();
            return labelled == 0 ? 1.0 : (double) truePositives / labelled;
        }

        double falsePositiveRate() {
            int unlabelled = trueNegatives + falsePositives.size();
            return unlabelled == 0 ? 0.0 : (double) falsePositives.size() / unlabelled;
        }
    }

    private static Score score(String detector) {
        int truePositives = 0;
        int trueNegatives = 0;
        List<String> missed = new ArrayList<>();
        List<String> falsePositives = new ArrayList<>();
        for (Map.Entry<String, Set<String>> entry : labels.entrySet()) {
            boolean expected = entry.getValue().contains(detector);
            boolean fired = counts.get(entry.getKey()).getOrDefault(detector, 0) > 0;
            if (expected && fired) {
                truePositives++;
            } else if (expected) {
                missed.add(entry.getKey());
            } else if (fired) {
                falsePositives.add(entry.getKey());
            } else {
                trueNegatives++;
            }
        }
        return new Score(truePositives, missed, falsePositives, trueNegatives);
    }

    /** Formats the measured table as docs/policy.md shows it. */
    private static String table() {
        StringBuilder out = new StringBuilder("| detector | labelled | found | missed | recall | not labelled"
                + " | false positives | false-positive rate |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (String detector : detectorNames) {
            Score score = score(detector);
            out.append(String.format(java.util.Locale.ROOT, "| `%s` | %d | %d | %d | %.3f | %d | %d | %.3f |%n",
                    detector, score.truePositives() + score.missed().size(), score.truePositives(),
                    score.missed().size(), score.recall(), score.trueNegatives() + score.falsePositives().size(),
                    score.falsePositives().size(), score.falsePositiveRate()));
        }
        return out.toString();
    }
}
