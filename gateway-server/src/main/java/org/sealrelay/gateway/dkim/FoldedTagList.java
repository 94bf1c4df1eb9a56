package org.sealrelay.gateway.dkim;

/**
 * Writes a header field made of {@code tag=value} pairs, folded so that lines stay within 78
 * characters. Folds go only where RFC 6376 allows folding white space:
 * between tags, after a colon of {@code h=}, and inside the base64 of {@code bh=} and {@code b=}.
 */
final class FoldedTagList {
    /** 78 characters (RFC 5322 section 2.1.1), less one for the semicolon that may follow a tag. */
    private static final int LINE_LIMIT = 77;
    private static final String FOLD = "\r\n\t";

    private final StringBuilder text = new StringBuilder(512);
    private int lineLength;
    private boolean firstTag = true;

    FoldedTagList(String fieldName) {
        text.append(fieldName).append(':');
        lineLength = text.length();
    }

    /** Appends a tag that is never folded inside, such as {@code d=example.org}. */
    void tag(String name, String value) {
        startTag(name.length() + 1 + value.length());
        append(name + "=" + value);
    }

    /** Appends a tag whose value is a colon-separated list, folding after a colon when needed. */
    void list(String name, Iterable<String> items) {
        startTag(name.length() + 1);
        append(name + "=");
        boolean first = true;
        for (String item : items) {
            String atom = first ? item : ":" + item;
            if (!first && lineLength + atom.length() > LINE_LIMIT) {
                fold();
            }
            append(atom);
            first = false;
        }
    }

    /** Appends a base64 tag, folding inside the value where a line would grow too long. */
    void base64(String name, String value) {
        startTag(name.length() + 1);
        append(name + "=");
        base64Value(value);
    }

    /**
     * Appends {@code name=} with no value yet, as the last tag: the text up to here is what the
     * signature covers (RFC 6376 section 3.5, {@code b=} taken as empty).
     */
    void openLast(String name) {
        startTag(name.length() + 1);
        append(name + "=");
    }

    /** Appends base64 after {@link #openLast}. */
    void base64Value(String value) {
        int index = 0;
        while (index < value.length()) {
            int room = LINE_LIMIT - lineLength;
            if (room < 8) {
                fold();
                room = LINE_LIMIT - lineLength;
            }
            int end = Math.min(value.length(), index + room);
            append(value.substring(index, end));
            index = end;
        }
    }

    /** Returns the field so far, without a final CRLF. */
    String text() {
        return text.toString();
    }

    private void startTag(int minimumLength) {
        if (!firstTag) {
            text.append(';');
            lineLength++;
        }
        if (lineLength + 1 + minimumLength > LINE_LIMIT) {
            fold();
        } else {
            append(" ");
        }
        firstTag = false;
    }

    private void fold() {
        text.append(FOLD);
        lineLength = 1;
    }

    private void append(String atom) {
        text.append(atom);
        lineLength += atom.length();
    }
}
