package org.sealrelay.gateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import org.sealrelay.policy.MessageEdits;

/** A {@link ContentSource} that applies a recipient's policy edits to each stream it opens. */
public final class EditedContent implements ContentSource {
    private final ContentSource original;
    private final MessageEdits edits;

    private EditedContent(ContentSource original, MessageEdits edits) {
        this.original = original;
        this.edits = edits;
    }

    /** Returns {@code original} itself when there is nothing to edit, else a source that edits it. */
    public static ContentSource of(ContentSource original, MessageEdits edits) {
        return edits.isEmpty() ? original : new EditedContent(original, edits);
    }

    /**
     * Returns an upper bound of the edited size, for the SIZE parameter (RFC 1870): the original
     * size plus every added field and the tag. Folding adds two octets per fold, so the bound
     * allows one fold per 40 characters of an added value and 64 octets for a refolded subject.
     */
    public static long sizeBound(long originalSize, MessageEdits edits) {
        long added = 0;
        for (MessageEdits.HeaderField field : edits.addHeaders()) {
            added += field.name().length() + field.value().length() + 4 + 3L * (field.value().length() / 40 + 1);
        }
        if (!edits.subjectTag().isEmpty()) {
            added += "Subject: ".length() + edits.subjectTag().length() + 3 + 64;
        }
        return originalSize + added;
    }

    @Override
    public InputStream open() throws IOException {
        InputStream stream = original.open();
        return new HeaderEditingInputStream(stream, edits);
    }
}
