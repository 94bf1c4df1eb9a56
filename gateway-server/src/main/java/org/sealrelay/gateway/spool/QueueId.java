package org.sealrelay.gateway.spool;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A message's queue id: 20 characters of Crockford base32, time-ordered (48 bits of
 * milliseconds) followed by 52 random bits, so ids sort by arrival and never repeat across
 * restarts. Ids carry nothing from the message, so they are safe in file names and logs.
 */
public record QueueId(String value) implements Comparable<QueueId> {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("[0-9A-HJKMNP-TV-Z]{20}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public QueueId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "invalid queue id '" + value + "': expected 20 characters of Crockford base32");
        }
    }

    /** Returns a new id for a message received now. */
    public static QueueId generate() {
        long millis = System.currentTimeMillis();
        long random = RANDOM.nextLong();
        char[] text = new char[20];
        // 10 characters x 5 bits = 50 bits of time; the top two are zero until the year 37,000.
        for (int i = 9; i >= 0; i--) {
            text[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int i = 19; i >= 10; i--) {
            text[i] = ALPHABET[(int) (random & 31)];
            random >>>= 5;
        }
        return new QueueId(new String(text));
    }

    /** Returns true when the text is a well-formed queue id. */
    public static boolean isValid(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    @Override
    public int compareTo(QueueId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
