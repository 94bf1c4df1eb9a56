package org.sealrelay.gateway.content;

import java.io.IOException;
import java.io.InputStream;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.MimeConfig;
import org.sealrelay.policy.content.ContentFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts {@link ContentFacts} from a message in one streaming pass with mime4j, decoding
 * base64 and quoted-printable bodies and encoded words in headers. Memory is bounded by the
 * {@link ExtractionLimits}, whatever the message size.
 *
 * <p>Malformed MIME is a fact, not an error: when the parser gives up, the facts keep what was
 * read and count one unreadable part. Only a failure to read the stream itself is thrown.
 * Thread-safe; each call uses its own parser.
 */
public final class ContentExtractor {
    private static final int MAX_PARTS = 1000;
    private static final int MAX_NESTING = 20;

    private static final Logger log = LoggerFactory.getLogger(ContentExtractor.class);

    private final ExtractionLimits limits;

    public ContentExtractor(ExtractionLimits limits) {
        this.limits = limits;
    }

    /**
     * Reads the whole message from {@code in} and returns its facts. Does not close {@code in}.
     *
     * @throws IOException if reading {@code in} fails
     */
    public ContentFacts extract(InputStream in) throws IOException {
        MimeConfig config = new MimeConfig.Builder()
                .setStrictParsing(false)
                .setMalformedHeaderStartsBody(true)
                .setMaxLineLen(-1)
                .setMaxHeaderCount(limits.maxHeaderFields() * 2)
                .setMaxHeaderLen(64 * 1024)
                .setMaxContentLen(-1)
                .setMaxPartCount(MAX_PARTS)
                .setMaxNestingDepth(MAX_NESTING)
                .build();
        MimeStreamParser parser = new MimeStreamParser(config, DecodeMonitor.SILENT,
                new DefaultBodyDescriptorBuilder(null, null, DecodeMonitor.SILENT));
        parser.setContentDecoding(true);
        FactsCollector collector = new FactsCollector(limits);
        parser.setContentHandler(collector);
        try {
            parser.parse(in);
        } catch (MimeException | MimeIOException e) {
            // Limits and malformed structure end the parse; what was read so far still counts.
            collector.markUnreadable();
        } catch (RuntimeException e) {
            // Only the class is logged, because a parser's message can quote message content.
            log.warn("content extraction stopped by {}; the rest of the message counts as unreadable",
                    e.getClass().getName());
            collector.markUnreadable();
        }
        return collector.facts();
    }
}
