package org.sealrelay.gateway.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.content.ContentFacts;

class ContentExtractorTest {
    private final ContentExtractor extractor = new ContentExtractor(ExtractionLimits.DEFAULTS);

    static ContentFacts extract(ContentExtractor extractor, String resource) throws IOException {
        try (InputStream in = ContentExtractorTest.class.getResourceAsStream("/eml/" + resource)) {
            assertThat(in).as(resource).isNotNull();
            return extractor.extract(in);
        }
    }

    @Test
    void plainTextPartGivesTextAndHeaders() throws IOException {
        ContentFacts facts = extract(extractor, "ssn-plain.eml");

        assertThat(facts.subject()).isEqualTo("Your forms");
        assertThat(facts.header("message-id")).isEqualTo("<1@hospital.example>");
        assertThat(facts.text()).contains("We have your SSN on file as 536-22-8174.");
        assertThat(facts.attachments()).isEmpty();
        assertThat(facts.unreadableParts()).isZero();
        assertThat(facts.textTruncated()).isFalse();
    }

    @Test
    void htmlBecomesTextWithoutScripts() throws IOException {
        ContentFacts facts = extract(extractor, "html-attachment.eml");

        assertThat(facts.subject()).isEqualTo("[secure] Ergebnisse für Sie");
        assertThat(facts.text()).contains("See attached results.");
        assertThat(facts.text()).contains("Ordering provider NPI 1234567893");
        assertThat(facts.text()).doesNotContain("1245319599");
        assertThat(facts.text()).doesNotContain("<b>");
    }

    @Test
    void attachmentListedWithDecodedSize() throws IOException {
        ContentFacts facts = extract(extractor, "html-attachment.eml");

        assertThat(facts.attachments()).containsExactly(new ContentFacts.Attachment("labs.pdf", "application/pdf", 3016));
    }

    @Test
    void quotedPrintableIsDecoded() throws IOException {
        ContentFacts facts = extract(extractor, "quoted-printable.eml");

        assertThat(facts.text()).contains("Patient DOB: 03/14/1962, diagnosis E11.9 for José.");
    }

    @Test
    void unknownCharsetCountsAsUnreadable() throws IOException {
        ContentFacts facts = extract(extractor, "unknown-charset.eml");

        assertThat(facts.unreadableParts()).isEqualTo(1);
        assertThat(facts.text()).contains("MRN: 1234567");
    }

    @Test
    void textIsCutAtPartLimit() throws IOException {
        ContentExtractor small = new ContentExtractor(new ExtractionLimits(10, 15, 50, 1000));
        String message = "Subject: x\r\n\r\n0123456789ABCDEFGHIJ\r\n";

        ContentFacts facts = small.extract(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));

        assertThat(facts.text()).isEqualTo("0123456789");
        assertThat(facts.textTruncated()).isTrue();
    }

    @Test
    void headerFieldsAreCapped() throws IOException {
        ContentExtractor small = new ContentExtractor(new ExtractionLimits(10, 10, 2, 1000));
        String message = "A: 1\r\nB: 2\r\nC: 3\r\n\r\nbody\r\n";

        ContentFacts facts = small.extract(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));

        assertThat(facts.headers()).extracting(ContentFacts.HeaderField::name).containsExactly("A", "B");
        assertThat(facts.textTruncated()).isTrue();
    }

    @Test
    void brokenStructureKeepsEarlierFacts() throws IOException {
        StringBuilder message = new StringBuilder("Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int depth = 1; depth <= 30; depth++) {
            message.append("--b").append(depth - 1).append("\r\nContent-Type: multipart/mixed; boundary=b")
                    .append(depth).append("\r\n\r\n");
        }

        ContentFacts facts = extractor.extract(
                new ByteArrayInputStream(message.toString().getBytes(StandardCharsets.US_ASCII)));

        assertThat(facts.subject()).isEqualTo("deep");
        assertThat(facts.unreadableParts()).isEqualTo(1);
    }
}
