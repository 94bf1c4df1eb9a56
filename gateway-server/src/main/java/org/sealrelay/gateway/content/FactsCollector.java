package org.sealrelay.gateway.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.sealrelay.policy.content.ContentFacts;

/**
 * Receives mime4j parse events and collects the facts of one message. Text parts (text/plain and
 * text/html) contribute text up to the limits. A part with a file name, an attachment
 * disposition or another media type is listed as an attachment with its decoded size.
 *
 * <p>PDF, Office and TNEF attachments up to {@link ExtractionLimits#maxDocumentOctets()} are
 * read for text by {@link DocumentText}. One that is larger, encrypted or malformed counts as
 * an unreadable part, because detectors cannot see inside it.
 */
final class FactsCollector extends AbstractContentHandler {
    private final ExtractionLimits limits;
    private final List<ContentFacts.HeaderField> headers = new ArrayList<>();
    private final List<ContentFacts.Attachment> attachments = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private boolean inTopHeader;
    private boolean topHeaderDone;
    private int unreadableParts;
    private boolean truncated;

    FactsCollector(ExtractionLimits limits) {
        this.limits = limits;
    }

    // The first header the parser reports is always the top-level message's.
    @Override
    public void startHeader() {
        inTopHeader = !topHeaderDone;
    }

    @Override
    public void endHeader() {
        inTopHeader = false;
        topHeaderDone = true;
    }

    @Override
    public void field(Field field) {
        if (!inTopHeader) {
            return;
        }
        if (headers.size() >= limits.maxHeaderFields()) {
            truncated = true;
            return;
        }
        String unfolded = field.getBody().replaceAll("\r?\n[ \t]", " ");
        String decoded = DecoderUtil.decodeEncodedWords(unfolded, DecodeMonitor.SILENT);
        headers.add(new ContentFacts.HeaderField(field.getName(), decoded));
    }

    @Override
    public void body(BodyDescriptor descriptor, InputStream in) throws IOException {
        CountingInputStream counted = new CountingInputStream(in);
        String mimeType = descriptor.getMimeType() == null ? "text/plain" : descriptor.getMimeType().toLowerCase(Locale.ROOT);
        String filename = filenameOf(descriptor);
        boolean isText = mimeType.equals("text/plain") || mimeType.equals("text/html");
        DocumentText.Kind documentKind = DocumentText.kindOf(mimeType, filename);
        if (isText) {
            appendText(readText(counted, descriptor.getCharset(), mimeType));
        } else if (documentKind != DocumentText.Kind.NONE) {
            readDocument(counted, documentKind);
        }
        counted.skipRest();
        if (!isText || !filename.isEmpty() || isAttachmentDisposition(descriptor)) {
            attachments.add(new ContentFacts.Attachment(filename, mimeType, counted.count()));
        }
    }

    private void readDocument(InputStream in, DocumentText.Kind kind) throws IOException {
        byte[] octets = in.readNBytes(limits.maxDocumentOctets());
        if (in.read() >= 0) {
            unreadableParts++;
            return;
        }
        DocumentText.Result result;
        try {
            result = DocumentText.extract(kind, octets);
        } catch (IOException | RuntimeException e) {
            // PDFBox and POI report some malformed documents as unchecked exceptions.
            unreadableParts++;
            return;
        }
        appendText(cut(result.text()));
        for (DocumentText.Embedded embedded : result.embedded()) {
            attachments.add(new ContentFacts.Attachment(embedded.filename(), "application/octet-stream",
                    embedded.sizeOctets()));
            appendText(cut(embedded.text()));
        }
    }

    private String cut(String documentText) {
        if (documentText.length() <= limits.maxTextPerPart()) {
            return documentText;
        }
        truncated = true;
        return documentText.substring(0, limits.maxTextPerPart());
    }

    /** Records that the parser failed; the facts keep what was read up to that point. */
    void markUnreadable() {
        unreadableParts++;
    }

    ContentFacts facts() {
        return new ContentFacts(headers, text.toString(), attachments, unreadableParts, truncated);
    }

    private String readText(InputStream in, String charsetName, String mimeType) throws IOException {
        Charset charset = charsetOf(charsetName);
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        Reader reader = new InputStreamReader(in, decoder);
        int room = Math.min(limits.maxTextPerPart(), limits.maxTextTotal() - text.length());
        char[] buffer = new char[Math.max(0, Math.min(room, 8192))];
        StringBuilder part = new StringBuilder();
        while (part.length() < room) {
            int read = reader.read(buffer, 0, Math.min(buffer.length, room - part.length()));
            if (read < 0) {
                break;
            }
            part.append(buffer, 0, read);
        }
        if (part.length() >= room && reader.read() >= 0) {
            truncated = true;
        }
        return mimeType.equals("text/html") ? HtmlText.toText(part.toString()) : part.toString();
    }

    // An unknown charset still yields readable ASCII digits as ISO-8859-1, but the part counts
    // as unreadable, because letters may be wrong.
    private Charset charsetOf(String name) {
        if (name == null || name.isEmpty()) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            unreadableParts++;
            return StandardCharsets.ISO_8859_1;
        }
    }

    private void appendText(String partText) {
        int room = limits.maxTextTotal() - text.length();
        if (partText.length() > room) {
            truncated = true;
            text.append(partText, 0, Math.max(0, room));
            return;
        }
        if (text.length() > 0 && room > partText.length() + 2) {
            text.append("\n\n");
        }
        text.append(partText);
    }

    private static String filenameOf(BodyDescriptor descriptor) {
        if (descriptor instanceof MaximalBodyDescriptor maximal) {
            String name = maximal.getContentDispositionFilename();
            if (name == null || name.isEmpty()) {
                name = maximal.getContentTypeParameters().get("name");
            }
            if (name != null) {
                return DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT);
            }
        }
        return "";
    }

    private static boolean isAttachmentDisposition(BodyDescriptor descriptor) {
        return descriptor instanceof MaximalBodyDescriptor maximal
                && "attachment".equalsIgnoreCase(maximal.getContentDispositionType());
    }
}
