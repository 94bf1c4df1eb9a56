package org.sealrelay.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden cases for each detector: the text, then the count it must report. Valid numbers were
 * computed by hand from each format's check rule; each invalid one breaks exactly one rule.
 */
class DetectorGoldenTest {
    private static Detector detector(String name) {
        List<Detector> all = new java.util.ArrayList<>(DetectorSet.builtIn());
        all.add(new KeywordDetector("oncology", List.of("chemotherapy", "radiation therapy", "tumor")));
        all.add(new PatternDetector("mrn", Pattern.compile("(?i)\\bMRN[:#]?\\s*\\d{7}\\b")));
        Detector found = null;
        for (Detector detector : all) {
            if (detector.name().equals(name)) {
                found = detector;
            }
        }
        assertThat(found).as("detector %s", name).isNotNull();
        return found;
    }

    @ParameterizedTest(name = "{0}: ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ssn | SSN 536-22-8174 on file                      | 1
            ssn | 536 22 8174                                  | 1
            ssn | 536-22 8174 mixes separators                 | 0
            ssn | 000-22-8174 has area 000                     | 0
            ssn | 666-22-8174 has area 666                     | 0
            ssn | 912-22-8174 has area 9xx                     | 0
            ssn | 536-00-8174 has group 00                     | 0
            ssn | 536-22-0000 has serial 0000                  | 0
            ssn | 078-05-1120 was voided by the SSA            | 0
            ssn | social security number: 536228174            | 1
            ssn | order number 536228174                       | 0
            ssn | 1536-22-81745 is part of a longer number     | 0
            npi | NPI 1234567893                               | 1
            npi | NPI 1234567890 has a wrong check digit       | 0
            npi | 3234567893 starts with 3                     | 0
            npi | 12345678931 is eleven digits                 | 0
            dea | DEA AB1234563                                | 1
            dea | DEA AB1234564 has a wrong check digit        | 0
            dea | DEA IB1234563 has registrant type I          | 0
            dea | DEA A91234563 for a business                 | 1
            mbi | MBI 1EG4-TE5-MK73                            | 1
            mbi | MBI 1EG4TE5MK73                              | 1
            mbi | 0EG4-TE5-MK73 starts with 0                  | 0
            mbi | 1SG4-TE5-MK73 uses the letter S              | 0
            mbi | 1EG4-TE5MK73 mixes separators                | 0
            payment-card | card 4111 1111 1111 1111            | 1
            payment-card | card 4111-1111-1111-1111            | 1
            payment-card | card 4111111111111112 fails Luhn    | 0
            payment-card | 0000000000000000 is one digit       | 0
            payment-card | 378282246310005 (15 digits)         | 1
            payment-card | 411111111111 is twelve digits       | 0
            payment-card | tracking 9400 1000 0000 0005 1234 56 | 0
            payment-card | card 9400 1000 0000 0005, exp 09/27 | 1
            icd10 | Diagnosis: E11.9 and I10                   | 2
            icd10 | dx J45.909                                 | 1
            icd10 | room E11 on floor 2                        | 0
            icd10 | ICD-10 U07.1 uses reserved letter U        | 0
            dob | DOB: 03/14/1962                              | 1
            dob | date of birth 1962-03-14                     | 1
            dob | born on March 14, 1962                       | 1
            dob | DOB: 02/30/1980 is not a date                | 0
            dob | date of birth: 14 March 1962                 | 1
            dob | DOB 3 Sept. 1962                             | 1
            dob | DOB 31 April 1962 is not a date             | 0
            dob | DOB 114 March 1962 has a three-digit day     | 0
            dob | meeting on 03/14/1962                        | 0
            mrn | MRN: 1234567                                 | 1
            mrn | MRN 123456 is six digits                     | 0
            oncology | Chemotherapy and radiation therapy      | 2
            oncology | tumors are plural, not the keyword      | 0
            oncology | TUMOR board                             | 1
            """)
    void countsValidOccurrencesOnly(String name, String text, int expected) {
        assertThat(detector(name).count(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "default mrn: ''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            MRN: 00482913                       | 1
            MRN# A1234567                       | 1
            Medical record number: 00482913     | 1
            medical record no. 4471903          | 1
            MRN pending, ask registration       | 0
            MRN 12345 has five characters       | 0
            """)
    void defaultMrnPatternNeedsDigits(String text, int expected) {
        Detector mrn = new PatternDetector("mrn", Pattern.compile(PatternDetector.DEFAULT_MRN_PATTERN));

        assertThat(mrn.count(text)).isEqualTo(expected);
    }

    @Test
    void manyCandidatesAndContextWordsStayFast() {
        String text = "dx E11 DOB 1/2/1990 ".repeat(100_000);

        int[] counts = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> new int[] {detector("icd10").count(text), detector("dob").count(text)});

        assertThat(counts[0]).isEqualTo(100_000);
        assertThat(counts[1]).isEqualTo(100_000);
    }
}
