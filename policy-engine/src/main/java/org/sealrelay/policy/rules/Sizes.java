package org.sealrelay.policy.rules;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Octet counts in the rules file, such as {@code 2048}, {@code 512KiB} or {@code 10MiB}. */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|k|kb|kib|m|mb|mib|g|gb|gib)",
            Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** Parses a size with an optional binary unit; KB, MB and GB are read as KiB, MiB and GiB. */
    static long parse(YamlNode node) throws PolicyFileException {
        String text = node.text();
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw node.error(node.path() + ": invalid size '" + text
                    + "': expected octets, optionally with KiB, MiB or GiB, such as 10MiB");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        return switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case 'k' -> amount << 10;
            case 'm' -> amount << 20;
            case 'g' -> amount << 30;
            default -> amount;
        };
    }
}
