package org.sealrelay.policy.content;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Facts the gateway extracted from a message's content for the policy: top-level header fields
 * with encoded words decoded, the text of the text parts (HTML reduced to text), and the
 * attachments. The gateway caps the text it keeps, so {@link #text()} may be a prefix.
 *
 * @param headers top-level header fields in order
 * @param text text of the body parts, separated by blank lines, possibly cut at the cap
 * @param attachments parts that are not inline text, in order
 * @param unreadableParts parts whose content could not be decoded or converted to text
 * @param textTruncated whether some text was dropped because a cap was reached
 */
public record ContentFacts(
        List<HeaderField> headers,
        String text,
        List<Attachment> attachments,
        int unreadableParts,
        boolean textTruncated) {
    /** Facts for a policy that did not ask for content: no headers, no text, no attachments. */
    public static final ContentFacts NOT_READ = new ContentFacts(List.of(), "", List.of(), 0, false);

    public ContentFacts {
        headers = List.copyOf(headers);
        Objects.requireNonNull(text, "text");
        attachments = List.copyOf(attachments);
        if (unreadableParts < 0) {
            throw new IllegalArgumentException("unreadableParts must not be negative; got " + unreadableParts);
        }
    }

    /** Returns the first value of a header field, matched case-insensitively, or an empty string. */
    public String header(String name) {
        for (HeaderField field : headers) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return "";
    }

    /** Returns the decoded Subject, or an empty string. */
    public String subject() {
        return header("Subject");
    }

    /** One decoded header field. */
    public record HeaderField(String name, String value) {
        public HeaderField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A part that is not inline text.
     *
     * @param filename file name from Content-Disposition or Content-Type; empty when absent
     * @param mediaType lower-case media type such as {@code application/pdf}
     * @param sizeOctets decoded size in octets
     */
    public record Attachment(String filename, String mediaType, long sizeOctets) {
        public Attachment {
            Objects.requireNonNull(filename, "filename");
            mediaType = mediaType.toLowerCase(Locale.ROOT);
        }
    }
}
