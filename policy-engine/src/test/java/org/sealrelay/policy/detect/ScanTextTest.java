package org.sealrelay.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The run-start index of {@link ScanText} must never change a count: every built-in detector
 * reports the same on a plain string, where it tries every position, as on a {@link ScanText},
 * where it tries only run starts.
 */
class ScanTextTest {
    /** Pieces that form near-misses of every detector's shape when joined at random. */
    private static final String[] PIECES = {
        "536", "-", " ", "22", "8174", "1234567893", "AB1234563", "1EG4-TE5-MK73", "4111 1111 1111 1111",
        "E11.9", "diagnosis", "dx ", "DOB ", "03/14/1962", "1962-03-14", "Mar 14, 1962", "14 March 1962",
        "SSN", "social security number", "MRN: ", "A12345678", "mrn", "\u212A", "\u00e9", ".", "/", "x", "9",
        "\r\n", "Medical Record No. ", "0", "ss#", "born on ", "ICD-10-CM ",
    };

    @Test
    void runStartsOfMixedText() {
        ScanText text = new ScanText("ab12 c3-45\u00e9Zx9");

        assertThat(text.digitRunStarts()).containsExactly(2, 6, 8, 13);
        assertThat(text.letterRunStarts()).containsExactly(0, 5, 10, 11);
    }

    @Test
    void indexedScanCountsAsFullScan() {
        Random random = new Random(20261205);
        for (int round = 0; round < 3000; round++) {
            StringBuilder builder = new StringBuilder();
            int pieces = 1 + random.nextInt(40);
            for (int i = 0; i < pieces; i++) {
                builder.append(PIECES[random.nextInt(PIECES.length)]);
            }
            String plain = builder.toString();
            for (Detector detector : DetectorSet.builtIn()) {
                assertThat(detector.count(new ScanText(plain)))
                        .as("%s on \"%s\"", detector.name(), plain)
                        .isEqualTo(detector.count(plain));
            }
        }
    }

    @Test
    void secondCharacterFilterFindsSameContextWords() {
        String alternatives = "ssn|ss#|social security(?: number| no\\.?)?|\u017Fsn";
        ContextWords filtered = new ContextWords(alternatives, "s", "so", 30, 0);
        ContextWords unfiltered = new ContextWords(alternatives, "s", null, 30, 0);
        Random random = new Random(5);
        String[] pieces = {"ssn", "SSN", "ss#", "social security no.", "So", "s", " ", "x", "\u017Fsn", "\u017F", "1"};
        for (int round = 0; round < 2000; round++) {
            StringBuilder builder = new StringBuilder();
            int count = 1 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                builder.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = builder.toString();
            assertThat(filtered.index(new ScanText(text)).candidateStarts(9, text.length()))
                    .as("\"%s\"", text)
                    .containsExactlyElementsOf(unfiltered.index(text).candidateStarts(9, text.length()));
        }
    }
}
