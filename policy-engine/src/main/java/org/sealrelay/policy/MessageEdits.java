package org.sealrelay.policy;

import java.util.List;
import java.util.Objects;

/**
 * Changes a rule requests before delivery: header fields to add and a tag to put in front of
 * the subject.
 *
 * @param addHeaders header fields to add, in order
 * @param subjectTag text to prefix to the subject, such as {@code [secure]}; empty for none
 */
public record MessageEdits(List<HeaderField> addHeaders, String subjectTag) {
    /** No changes. */
    public static final MessageEdits NONE = new MessageEdits(List.of(), "");

    public MessageEdits {
        addHeaders = List.copyOf(addHeaders);
        Objects.requireNonNull(subjectTag, "subjectTag");
    }

    /** Whether there is nothing to change. */
    public boolean isEmpty() {
        return addHeaders.isEmpty() && subjectTag.isEmpty();
    }

    /** A header field to add; the value must not contain CR or LF. */
    public record HeaderField(String name, String value) {
        public HeaderField {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Override
    public String toString() {
        return "add-header " + addHeaders + (subjectTag.isEmpty() ? "" : ", subject-tag");
    }
}
