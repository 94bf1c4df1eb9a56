package org.sealrelay.gateway.content;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.extractor.ExtractorFactory;
import org.apache.poi.extractor.POITextExtractor;
import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;
import org.apache.poi.hmef.attribute.TNEFAttribute;
import org.apache.poi.hmef.attribute.TNEFProperty;

/**
 * Text of attached documents: PDF (PDFBox), Word, Excel and PowerPoint in both the OLE2 and the
 * OOXML formats (Apache POI), and TNEF ({@code winmail.dat}, POI's HMEF reader), whose embedded
 * attachments are listed and read in turn. Everything happens in memory: PDFBox runs with its
 * memory-only cache and POI reads from a byte array, so no clear text reaches a temporary file.
 */
final class DocumentText {
    /** PDF pages read per document; text past this page is not scanned. */
    static final int MAX_PDF_PAGES = 200;

    /** The document kinds this class reads. */
    enum Kind { PDF, OFFICE, TNEF, NONE }

    /** Text and embedded attachments of one document. */
    record Result(String text, List<Embedded> embedded) {
    }

    /** An attachment inside a TNEF container, with its text if it is a readable document. */
    record Embedded(String filename, long sizeOctets, String text) {
    }

    private DocumentText() {
    }

    /** Classifies a part by media type, or by file name extension for generic types. */
    static Kind kindOf(String mediaType, String filename) {
        String type = mediaType.toLowerCase(Locale.ROOT);
        String name = filename.toLowerCase(Locale.ROOT);
        if (type.equals("application/pdf") || name.endsWith(".pdf")) {
            return Kind.PDF;
        }
        if (type.equals("application/ms-tnef") || type.equals("application/vnd.ms-tnef") || name.equals("winmail.dat")) {
            return Kind.TNEF;
        }
        if (type.startsWith("application/vnd.openxmlformats-officedocument.") || type.equals("application/msword")
                || type.equals("application/vnd.ms-excel") || type.equals("application/vnd.ms-powerpoint")
                || name.matches(".*\\.(docx|xlsx|pptx|doc|xls|ppt)")) {
            return Kind.OFFICE;
        }
        return Kind.NONE;
    }

    /**
     * Extracts the text of a document of a known kind.
     *
     * @throws IOException if the document is malformed, encrypted or of another kind than declared
     */
    static Result extract(Kind kind, byte[] octets) throws IOException {
        return switch (kind) {
            case PDF -> new Result(pdfText(octets), List.of());
            case OFFICE -> new Result(officeText(octets), List.of());
            case TNEF -> tnef(octets);
            case NONE -> throw new IllegalArgumentException("no text extractor for this kind of part");
        };
    }

    private static String pdfText(byte[] octets) throws IOException {
        try (PDDocument document = Loader.loadPDF(new RandomAccessReadBuffer(octets), "",
                IOUtils.createMemoryOnlyStreamCache())) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setEndPage(MAX_PDF_PAGES);
            return stripper.getText(document);
        }
    }

    private static String officeText(byte[] octets) throws IOException {
        try (POITextExtractor extractor = ExtractorFactory.createExtractor(new ByteArrayInputStream(octets))) {
            return extractor.getText();
        } catch (RuntimeException e) {
            // POI reports many malformed-file cases as unchecked exceptions.
            throw new IOException("Office document could not be read: " + e.getClass().getSimpleName(), e);
        }
    }

    // Embedded documents are read one level deep; a TNEF inside TNEF is listed but not opened.
    private static Result tnef(byte[] octets) throws IOException {
        HMEFMessage message;
        try {
            message = new HMEFMessage(new ByteArrayInputStream(octets));
        } catch (RuntimeException e) {
            throw new IOException("TNEF container could not be read: " + e.getClass().getSimpleName(), e);
        }
        List<Embedded> embedded = new ArrayList<>();
        for (Attachment attachment : message.getAttachments()) {
            String name = attachment.getLongFilename() != null ? attachment.getLongFilename() : attachment.getFilename();
            name = name == null ? "" : name;
            byte[] contents = attachment.getContents();
            contents = contents == null ? new byte[0] : contents;
            Kind kind = kindOf("application/octet-stream", name);
            String text = "";
            if (kind == Kind.PDF || kind == Kind.OFFICE) {
                text = extract(kind, contents).text();
            }
            embedded.add(new Embedded(name, contents.length, text));
        }
        return new Result(tnefBody(message), embedded);
    }

    // The plain-text attBody attribute when present, else the compressed RTF body, whose control
    // words do not hide digits from the detectors.
    private static String tnefBody(HMEFMessage message) {
        TNEFAttribute plain = message.getMessageAttribute(TNEFProperty.ID_BODY);
        if (plain != null) {
            return decodeBodyAttribute(plain.getData());
        }
        String rtf = message.getBody();
        return rtf == null ? "" : rtf;
    }

    /**
     * Decodes attBody. MS-OXTNEF stores it in the sender's 8-bit code page, but POI 5.5.1 reads it
     * as UTF-16LE, so the octets are decoded here. They are read as UTF-16LE when most odd octets
     * are zero, else as ISO-8859-1, which keeps ASCII digits and letters intact in any code page.
     */
    static String decodeBodyAttribute(byte[] data) {
        int oddOctets = data.length / 2;
        int zeroOddOctets = 0;
        for (int i = 1; i < data.length; i += 2) {
            if (data[i] == 0) {
                zeroOddOctets++;
            }
        }
        boolean utf16 = oddOctets > 0 && zeroOddOctets * 10 >= oddOctets * 9;
        String text = new String(data, utf16 ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\0') {
            end--;
        }
        return text.substring(0, end);
    }
}
