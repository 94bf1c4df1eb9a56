package org.sealrelay.gateway.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a message's header section into the fields that stay visible on the encrypted
 * message and the header of the cryptographic payload, following RFC 9788.
 *
 * <p>Outside: the routing fields (From, To, Cc, Date, Message-ID, In-Reply-To, References),
 * the trace fields (Received, which RFC 5321 section 4.4 forbids relays to remove), and Subject
 * replaced by a placeholder. Every other field, such as Reply-To, Keywords or X- fields, is
 * only inside. The encryptor writes MIME-Version and Content-Type itself.
 *
 * <p>Inside, on the payload part: the original Content-* fields, with {@code hp="cipher"}
 * added to Content-Type, then every non-MIME field of the original, then one
 * {@code HP-Outer} field per outer field so that a receiver can tell what was changed.
 */
public final class HeaderProtection {
    /**
     * Subject shown on the outside of an encrypted message unless configured otherwise: the
     * value that RFC 9788's baseline header confidentiality policy (hcp_baseline) uses.
     */
    public static final String DEFAULT_SUBJECT_PLACEHOLDER = "[...]";

    private static final Set<String> OUTER_FIELDS = Set.of(
            "from", "to", "cc", "date", "message-id", "in-reply-to", "references", "received");
    private static final Pattern HP_PARAMETER = Pattern.compile(";\\s*hp\\s*=", Pattern.CASE_INSENSITIVE);
    private static final byte[] CRLF = {'\r', '\n'};

    private final List<HeaderField> outer;
    private final List<HeaderField> payloadMime;
    private final List<HeaderField> payloadOther;

    private HeaderProtection(List<HeaderField> outer, List<HeaderField> payloadMime, List<HeaderField> payloadOther) {
        this.outer = List.copyOf(outer);
        this.payloadMime = List.copyOf(payloadMime);
        this.payloadOther = List.copyOf(payloadOther);
    }

    /**
     * Plans the split for one message.
     *
     * @param subjectPlaceholder the outer Subject; used only when the message has a Subject
     * @throws IllegalArgumentException if the placeholder contains CR, LF or non-ASCII text
     */
    public static HeaderProtection plan(HeaderSection section, String subjectPlaceholder) {
        checkPlaceholder(subjectPlaceholder);
        List<HeaderField> outer = new ArrayList<>();
        List<HeaderField> mime = new ArrayList<>();
        List<HeaderField> other = new ArrayList<>();
        boolean subjectSeen = false;
        for (HeaderField field : section.fields()) {
            String key = field.key();
            if (key.startsWith("content-")) {
                mime.add(field);
                continue;
            }
            if (key.equals("mime-version")) {
                continue;
            }
            other.add(field);
            if (OUTER_FIELDS.contains(key)) {
                outer.add(field);
            } else if (key.equals("subject") && !subjectSeen) {
                subjectSeen = true;
                outer.add(asciiField("Subject", subjectPlaceholder));
            }
        }
        return new HeaderProtection(outer, mime, other);
    }

    /** Returns the fields to write on the outer message, before MIME-Version and Content-Type. */
    public List<HeaderField> outerFields() {
        return outer;
    }

    /**
     * Writes the header of the cryptographic payload, including the empty line that ends it.
     * The original body must follow unchanged.
     */
    public void writePayloadHeader(OutputStream out) throws IOException {
        boolean contentTypeSeen = false;
        for (HeaderField field : payloadMime) {
            if (field.key().equals("content-type") && !contentTypeSeen) {
                contentTypeSeen = true;
                writeContentTypeWithHp(field, out);
            } else {
                out.write(field.raw());
            }
        }
        if (!contentTypeSeen) {
            // RFC 2045 section 5.2: a part without Content-Type is text/plain in US-ASCII.
            out.write(asciiField("Content-Type", "text/plain; charset=us-ascii; hp=\"cipher\"").raw());
        }
        for (HeaderField field : payloadOther) {
            out.write(field.raw());
        }
        for (HeaderField field : outer) {
            out.write(("HP-Outer: " + field.name() + ": ").getBytes(StandardCharsets.US_ASCII));
            out.write(field.value().getBytes(StandardCharsets.UTF_8));
            out.write(CRLF);
        }
        out.write(CRLF);
    }

    private static void writeContentTypeWithHp(HeaderField field, OutputStream out) throws IOException {
        if (HP_PARAMETER.matcher(field.value()).find()) {
            // NOTE: an hp parameter from an earlier protection layer is kept as it is; this
            // payload then claims that earlier layer's status instead of "cipher".
            out.write(field.raw());
            return;
        }
        byte[] raw = field.raw();
        // Keep the original folding and add the parameter on a continuation line.
        out.write(raw, 0, raw.length - 2);
        out.write(";\r\n hp=\"cipher\"\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Checks the cap on the buffered header section.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public static void checkMaxHeaderBytes(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive; got " + bytes);
        }
    }

    /** Builds a field from a name and an ASCII value, ending in CRLF. */
    public static HeaderField asciiField(String name, String value) {
        Objects.requireNonNull(value, "value");
        return new HeaderField(name, (name + ": " + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Checks a Subject placeholder, which goes into the outer header unencoded.
     *
     * @throws IllegalArgumentException naming the first character that is not printable US-ASCII
     */
    public static void checkPlaceholder(String placeholder) {
        Objects.requireNonNull(placeholder, "subjectPlaceholder");
        for (int i = 0; i < placeholder.length(); i++) {
            char c = placeholder.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(
                        "subject placeholder must be printable US-ASCII; got character 0x"
                                + Integer.toHexString(c).toUpperCase(Locale.ROOT) + " at index " + i);
            }
        }
    }
}
