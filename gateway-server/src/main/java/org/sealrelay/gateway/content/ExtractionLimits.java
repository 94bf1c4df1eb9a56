package org.sealrelay.gateway.content;

/**
 * Caps on what the extractor keeps in memory for one message. Text past a cap is dropped and
 * {@link org.sealrelay.policy.content.ContentFacts#textTruncated()} is set. The rest of the part
 * is still read, so that attachment sizes are counted.
 *
 * @param maxTextPerPart characters of text kept from one part
 * @param maxTextTotal characters of text kept from the whole message
 * @param maxHeaderFields top-level header fields kept
 * @param maxDocumentOctets decoded size up to which a PDF, Office or TNEF attachment is loaded
 *     into memory to read its text. A larger one counts as an unreadable part.
 */
public record ExtractionLimits(int maxTextPerPart, int maxTextTotal, int maxHeaderFields, int maxDocumentOctets) {
    /** 512 Ki characters per part: the text of a long clinical letter is well under this. */
    public static final int DEFAULT_MAX_TEXT_PER_PART = 512 * 1024;
    /** 2 Mi characters (about 4 MiB of heap) per message being inspected. */
    public static final int DEFAULT_MAX_TEXT_TOTAL = 2 * 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_FIELDS = 500;
    /** 10 MiB: PDFBox and POI need the whole document in memory, so this bounds heap per inspection. */
    public static final int DEFAULT_MAX_DOCUMENT_OCTETS = 10 * 1024 * 1024;
    public static final ExtractionLimits DEFAULTS = new ExtractionLimits(DEFAULT_MAX_TEXT_PER_PART,
            DEFAULT_MAX_TEXT_TOTAL, DEFAULT_MAX_HEADER_FIELDS, DEFAULT_MAX_DOCUMENT_OCTETS);

    public ExtractionLimits {
        if (maxTextPerPart < 1 || maxTextTotal < maxTextPerPart) {
            throw new IllegalArgumentException("invalid text limits: per part " + maxTextPerPart + ", total "
                    + maxTextTotal + "; expected 1 <= per part <= total");
        }
        if (maxDocumentOctets < 0) {
            throw new IllegalArgumentException("invalid document size limit " + maxDocumentOctets
                    + "; expected 0 or more");
        }
        if (maxHeaderFields < 1) {
            throw new IllegalArgumentException("invalid header field limit " + maxHeaderFields + "; expected at least 1");
        }
    }
}
