package org.sealrelay.policy;

import java.util.List;
import java.util.Objects;

/**
 * Changes a rule requests to the copy of a message that leaves for one recipient. The gateway
 * applies them in this order: remove the named header fields, strip the old subject tag, put
 * the new tag in front of the subject, then add the new header fields at the top.
 *
 * @param addHeaders header fields to add, in order
 * @param subjectTag text to put in front of the subject, such as {@code [secure]}; empty for none
 * @param removeHeaders names of header fields to remove, compared case-insensitively
 * @param stripSubjectTag text to remove from the subject, such as {@code [external]}; empty for none
 */
public record MessageEdits(List<HeaderField> addHeaders, String subjectTag, List<String> removeHeaders,
        String stripSubjectTag) {
    /** No changes. */
    public static final MessageEdits NONE = new MessageEdits(List.of(), "", List.of(), "");

    public MessageEdits {
        addHeaders = List.copyOf(addHeaders);
        Objects.requireNonNull(subjectTag, "subjectTag");
        removeHeaders = List.copyOf(removeHeaders);
        Objects.requireNonNull(stripSubjectTag, "stripSubjectTag");
        for (HeaderField field : addHeaders) {
            requireHeaderSafe(field.name(), field.value());
        }
        for (String name : removeHeaders) {
            requireHeaderSafe(name, "");
        }
        requireHeaderSafe("Subject", subjectTag);
        requireHeaderSafe("Subject", stripSubjectTag);
    }

    /** Creates edits that only add header fields and a subject tag. */
    public MessageEdits(List<HeaderField> addHeaders, String subjectTag) {
        this(addHeaders, subjectTag, List.of(), "");
    }

    /** Whether there is nothing to change. */
    public boolean isEmpty() {
        return addHeaders.isEmpty() && subjectTag.isEmpty() && removeHeaders.isEmpty() && stripSubjectTag.isEmpty();
    }

    /**
     * A header field to add. The name is printable ASCII without ':' (RFC 5322 section 3.6.8)
     * and the value is printable ASCII, so neither can end the field or start another.
     */
    public record HeaderField(String name, String value) {
        public HeaderField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            requireHeaderSafe(name, value);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Rejects a field name or value that could inject a line into the header section. The rules
     * parser checks the same and reports the file position; this check guards every other caller,
     * including envelopes read back from the spool.
     */
    private static void requireHeaderSafe(String name, String value) {
        if (name.isEmpty() || name.length() > 76 || !name.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != ':')) {
            throw new IllegalArgumentException("invalid header field name: expected 1 to 76 printable ASCII"
                    + " characters without ':' or spaces");
        }
        if (value.length() > 900 || !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException("invalid value for header field " + name
                    + ": expected at most 900 printable ASCII characters");
        }
    }

    /** Names the edits without their values, for logs. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (!addHeaders.isEmpty()) {
            text.append("add-header ").append(addHeaders);
        }
        if (!removeHeaders.isEmpty()) {
            text.append(text.isEmpty() ? "" : ", ").append("remove-header ").append(removeHeaders);
        }
        if (!stripSubjectTag.isEmpty()) {
            text.append(text.isEmpty() ? "" : ", ").append("strip-subject-tag");
        }
        if (!subjectTag.isEmpty()) {
            text.append(text.isEmpty() ? "" : ", ").append("subject-tag");
        }
        return text.isEmpty() ? "none" : text.toString();
    }
}
