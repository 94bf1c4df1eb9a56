package org.sealrelay.gateway.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Message content for {@link SmtpLoadGenerator}: a small set of distinct messages built once
 * before the clock starts, so that building content costs the generator nothing during a run.
 * Every line ends with CRLF, is at most 78 characters long and starts with a letter, so the
 * content needs no dot-stuffing.
 */
final class BenchMessages {
    /** Kind of body text. */
    enum Content {
        /** Numbered filler lines, as smtp-source sends: nothing for a content scanner to find. */
        FILLER,
        /**
         * Clinical notes with made-up patient names, Social Security numbers, medical record
         * numbers, dates of birth and ICD-10 codes, between paragraphs of ordinary clinic text.
         */
        PHI
    }

    /** Distinct messages per run; the generator sends them in turn. */
    static final int VARIANTS = 32;

    private static final int LINE_LENGTH = 76;
    /** Octets of ordinary text between two clinical notes in a PHI body. */
    private static final int NOTE_INTERVAL = 8192;
    private static final String[] FIRST_NAMES = {"Maria", "James", "Aiyana", "Wei", "Olusegun", "Hannah", "Rafael",
        "Priya", "Tomasz", "Grace"};
    private static final String[] LAST_NAMES = {"Okafor", "Lindqvist", "Haddad", "Nakamura", "Fernandes", "Brennan",
        "Kowalski", "Mensah", "Iyer", "Dubois"};
    private static final String[] DIAGNOSES = {"E11.9 type 2 diabetes mellitus without complications",
        "I10 essential hypertension", "J45.909 unspecified asthma, uncomplicated",
        "M54.5 low back pain", "F41.1 generalized anxiety disorder", "N18.3 chronic kidney disease, stage 3"};
    private static final String[] ORDINARY_SENTENCES = {
        "Please arrive fifteen minutes before your appointment to complete the check-in forms.",
        "Our clinic is open Monday to Friday from eight in the morning until six in the evening.",
        "Parking is available in the visitor garage on the east side of the main building.",
        "If you need to reschedule, call the front desk at least one business day in advance.",
        "Bring a list of the medicines you take, including vitamins and supplements.",
        "The patient portal lets you message your care team and view upcoming visits.",
        "Interpreters are available at no cost; let us know which language you prefer.",
        "Masks are recommended in waiting areas during the winter respiratory season.",
        "Billing questions can be sent to the accounts office through the portal.",
        "Thank you for choosing our practice for your care."};

    private BenchMessages() {
    }

    /**
     * Builds {@link #VARIANTS} messages with headers and a body of at most {@code size} octets, and
     * less by no more than one line. The same seed gives the same messages.
     */
    static List<byte[]> build(Content content, int size, String from, String to, long seed) {
        Random random = new Random(seed);
        List<byte[]> messages = new ArrayList<>(VARIANTS);
        for (int variant = 0; variant < VARIANTS; variant++) {
            StringBuilder text = new StringBuilder(size + 512);
            text.append("From: <").append(from).append(">\r\n")
                    .append("To: <").append(to).append(">\r\n")
                    .append("Subject: Benchmark message ").append(variant).append("\r\n")
                    .append("Date: Fri, 04 Dec 2026 12:00:00 +0000\r\n")
                    .append("Message-ID: <bench-").append(seed).append('-').append(variant)
                    .append("@source.bench.example>\r\n")
                    .append("MIME-Version: 1.0\r\n")
                    .append("Content-Type: text/plain; charset=us-ascii\r\n")
                    .append("\r\n");
            int bodyStart = text.length();
            if (content == Content.FILLER) {
                appendFiller(text, bodyStart + size);
            } else {
                appendClinicalText(text, bodyStart + size, random);
            }
            cutToLastLineEnd(text, bodyStart + size);
            messages.add(text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return messages;
    }

    /** Returns a Social Security number that the SSA could have issued: area 001-665, group and serial not zero. */
    static String socialSecurityNumber(Random random) {
        int area = 1 + random.nextInt(665);
        int group = 1 + random.nextInt(99);
        int serial = 1 + random.nextInt(9999);
        return String.format("%03d-%02d-%04d", area, group, serial);
    }

    private static void appendFiller(StringBuilder text, int end) {
        int line = 0;
        while (text.length() < end) {
            line++;
            String content = String.format("Filler line %06d of the benchmark body, text without meaning.", line);
            text.append(content).append("\r\n");
        }
    }

    private static void appendClinicalText(StringBuilder text, int end, Random random) {
        int nextNote = text.length();
        int sentence = random.nextInt(ORDINARY_SENTENCES.length);
        StringBuilder paragraph = new StringBuilder();
        while (text.length() < end) {
            if (text.length() >= nextNote) {
                appendWrapped(text, clinicalNote(random));
                nextNote = text.length() + NOTE_INTERVAL;
                continue;
            }
            paragraph.setLength(0);
            for (int i = 0; i < 4; i++) {
                paragraph.append(ORDINARY_SENTENCES[sentence]).append(' ');
                sentence = (sentence + 1) % ORDINARY_SENTENCES.length;
            }
            appendWrapped(text, paragraph.toString().trim());
        }
    }

    private static String clinicalNote(Random random) {
        String name = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " "
                + LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        String birthDate = String.format("%02d/%02d/%d", 1 + random.nextInt(12), 1 + random.nextInt(28),
                1930 + random.nextInt(80));
        String recordNumber = String.format("%08d", random.nextInt(100_000_000));
        return "Discharge summary for " + name + ", DOB " + birthDate + ", SSN " + socialSecurityNumber(random)
                + ", MRN: " + recordNumber + ". Diagnosis: " + DIAGNOSES[random.nextInt(DIAGNOSES.length)]
                + ". Lab results reviewed with the patient; prescription renewed for ninety days."
                + " Follow-up visit in six weeks.";
    }

    /** Removes whole lines from the end until the text is no longer than {@code end}, keeping its final CRLF. */
    private static void cutToLastLineEnd(StringBuilder text, int end) {
        if (text.length() <= end) {
            return;
        }
        int lastLineEnd = text.lastIndexOf("\r\n", end - 2);
        text.setLength(lastLineEnd + 2);
    }

    /** Appends {@code paragraph} as lines of at most {@link #LINE_LENGTH} characters, then an empty line. */
    private static void appendWrapped(StringBuilder text, String paragraph) {
        int lineStart = text.length();
        for (String word : paragraph.split(" ")) {
            int lineLength = text.length() - lineStart;
            if (lineLength > 0 && lineLength + 1 + word.length() > LINE_LENGTH) {
                text.append("\r\n");
                lineStart = text.length();
            } else if (lineLength > 0) {
                text.append(' ');
            }
            text.append(word);
        }
        text.append("\r\n\r\n");
    }

    /** Returns the messages as one byte array each, with the ".CRLF" that ends DATA appended. */
    static List<byte[]> withDataTerminator(List<byte[]> messages) {
        List<byte[]> terminated = new ArrayList<>(messages.size());
        for (byte[] message : messages) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 3);
            out.writeBytes(message);
            out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
            terminated.add(out.toByteArray());
        }
        return terminated;
    }
}
