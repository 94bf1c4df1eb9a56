package org.sealrelay.gateway.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.Test;
import org.sealrelay.policy.content.ContentFacts;

/** Reads text out of PDF and Word attachments, built in memory for each test. */
class DocumentExtractionTest {
    private final ContentExtractor extractor = new ContentExtractor(ExtractionLimits.DEFAULTS);

    private static byte[] pdf(String line) throws IOException {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText(line);
                content.endText();
            }
            document.save(out);
            return out.toByteArray();
        }
    }

    private static byte[] docx(String paragraph) throws IOException {
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            document.createParagraph().createRun().setText(paragraph);
            document.write(out);
            return out.toByteArray();
        }
    }

    /**
     * Builds a TNEF stream (MS-OXTNEF): signature, key, then attributes of level, id, length,
     * data and a 16-bit sum of the data octets. It has a plain-text body and one attachment.
     */
    private static byte[] tnef(String body, String attachmentName, byte[] attachment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putInt(0x223E9F78).putShort((short) 1).array());
        tnefAttribute(out, 1, 0x00089006, new byte[] {0, 0, 1, 0});
        tnefAttribute(out, 1, 0x0002800C, (body + "\0").getBytes(StandardCharsets.US_ASCII));
        tnefAttribute(out, 2, 0x00069002, new byte[14]);
        tnefAttribute(out, 2, 0x00018010, (attachmentName + "\0").getBytes(StandardCharsets.US_ASCII));
        tnefAttribute(out, 2, 0x0006800F, attachment);
        return out.toByteArray();
    }

    private static void tnefAttribute(ByteArrayOutputStream out, int level, int id, byte[] data) {
        ByteBuffer attribute = ByteBuffer.allocate(11 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        attribute.put((byte) level).putInt(id).putInt(data.length).put(data);
        int sum = 0;
        for (byte octet : data) {
            sum += octet & 0xff;
        }
        attribute.putShort((short) sum);
        out.writeBytes(attribute.array());
    }

    private static byte[] withAttachment(String mediaType, String filename, byte[] octets) {
        String message = "Subject: documents\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n"
                + "--b\r\nContent-Type: " + mediaType + "\r\nContent-Disposition: attachment; filename=\"" + filename
                + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(octets) + "\r\n--b--\r\n";
        return message.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void pdfTextIsScanned() throws IOException {
        byte[] document = pdf("Patient SSN 536-22-8174");

        ContentFacts facts = extractor.extract(new ByteArrayInputStream(
                withAttachment("application/pdf", "form.pdf", document)));

        assertThat(facts.text()).contains("See attachment.").contains("Patient SSN 536-22-8174");
        assertThat(facts.attachments()).containsExactly(
                new ContentFacts.Attachment("form.pdf", "application/pdf", document.length));
        assertThat(facts.unreadableParts()).isZero();
    }

    @Test
    void docxTextIsScanned() throws IOException {
        byte[] document = docx("MRN: 1234567, DOB: 03/14/1962");

        ContentFacts facts = extractor.extract(new ByteArrayInputStream(withAttachment(
                "application/octet-stream", "letter.docx", document)));

        assertThat(facts.text()).contains("MRN: 1234567, DOB: 03/14/1962");
        assertThat(facts.unreadableParts()).isZero();
    }

    @Test
    void tnefBodyAndEmbeddedDocumentAreScanned() throws IOException {
        byte[] embedded = docx("Medicare MBI 1EG4-TE5-MK73");
        byte[] container = tnef("Patient SSN 536-22-8174", "notes.docx", embedded);

        ContentFacts facts = extractor.extract(new ByteArrayInputStream(
                withAttachment("application/ms-tnef", "winmail.dat", container)));

        assertThat(facts.text()).contains("Patient SSN 536-22-8174").contains("Medicare MBI 1EG4-TE5-MK73");
        assertThat(facts.attachments()).containsExactly(
                new ContentFacts.Attachment("notes.docx", "application/octet-stream", embedded.length),
                new ContentFacts.Attachment("winmail.dat", "application/ms-tnef", container.length));
        assertThat(facts.unreadableParts()).isZero();
    }

    @Test
    void malformedPdfCountsAsUnreadable() throws IOException {
        byte[] notPdf = "%PDF-1.7\nthis is not a PDF body\n".getBytes(StandardCharsets.US_ASCII);

        ContentFacts facts = extractor.extract(new ByteArrayInputStream(
                withAttachment("application/pdf", "broken.pdf", notPdf)));

        assertThat(facts.unreadableParts()).isEqualTo(1);
        assertThat(facts.attachments()).extracting(ContentFacts.Attachment::filename).containsExactly("broken.pdf");
    }

    @Test
    void oversizedDocumentCountsAsUnreadable() throws IOException {
        byte[] document = pdf("Patient SSN 536-22-8174");
        ContentExtractor small = new ContentExtractor(new ExtractionLimits(1000, 1000, 50, document.length - 1));

        ContentFacts facts = small.extract(new ByteArrayInputStream(
                withAttachment("application/pdf", "form.pdf", document)));

        assertThat(facts.unreadableParts()).isEqualTo(1);
        assertThat(facts.text()).doesNotContain("536-22-8174");
        assertThat(facts.attachments()).containsExactly(
                new ContentFacts.Attachment("form.pdf", "application/pdf", document.length));
    }
}
