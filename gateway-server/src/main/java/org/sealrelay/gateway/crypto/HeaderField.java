package org.sealrelay.gateway.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One header field exactly as it arrived: the raw bytes keep the original folding, the CRLF
 * line ends and any 8-bit (RFC 6532) text, so a protected copy is byte for byte the original.
 */
public final class HeaderField {
    private final String name;
    private final byte[] raw;

    /**
     * @param name the field name as written in the message
     * @param raw the whole field including the name and every CRLF, also the last one
     */
    public HeaderField(String name, byte[] raw) {
        this.name = Objects.requireNonNull(name, "name");
        this.raw = raw.clone();
    }

    public String name() {
        return name;
    }

    /** Returns the field name in lower case, for comparisons. */
    public String key() {
        return name.toLowerCase(Locale.ROOT);
    }

    public byte[] raw() {
        return raw.clone();
    }

    /**
     * Returns the unfolded value without leading white space. Bytes above 0x7f are decoded as
     * UTF-8, because RFC 6532 allows UTF-8 in header fields.
     */
    public String value() {
        String text = new String(raw, StandardCharsets.UTF_8);
        String unfolded = text.replace("\r\n", "");
        return unfolded.substring(unfolded.indexOf(':') + 1).strip();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HeaderField field && name.equals(field.name) && Arrays.equals(raw, field.raw);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        // The value may be PHI (a Subject, an address), so only the name is shown.
        return "HeaderField[" + name + "]";
    }
}
