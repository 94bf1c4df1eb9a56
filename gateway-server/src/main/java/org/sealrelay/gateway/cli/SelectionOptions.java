package org.sealrelay.gateway.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Command-line criteria that select queued messages. A message must match every criterion given. */
final class SelectionOptions {
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Queue ids, as 'sealrelay queue list' shows them.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Messages with a recipient in this domain (exact match).")
    String domain;

    @Option(names = "--reply", paramLabel = "TEXT",
            description = "Messages where the last reply for some recipient contains TEXT (case-insensitive).")
    String reply;

    @Option(names = "--older-than", paramLabel = "AGE", converter = AgeConverter.class,
            description = "Messages queued longer than AGE: a number with s, m, h or d, such as 2h.")
    Duration olderThan;

    /** Returns the selection as admin query parameters; ids are checked by {@code check}. */
    Map<String, List<String>> query(java.util.function.Function<String, ?> check) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        List<String> checked = new ArrayList<>();
        for (String id : ids) {
            checked.add(check.apply(id).toString());
        }
        query.put("id", checked);
        query.put("domain", nullable(domain));
        query.put("reply", nullable(reply));
        query.put("older-than", nullable(olderThan == null ? null : String.valueOf(olderThan.toSeconds())));
        return query;
    }

    boolean isEmpty() {
        return ids.isEmpty() && domain == null && reply == null && olderThan == null;
    }

    private static List<String> nullable(String value) {
        List<String> values = new ArrayList<>(1);
        values.add(value);
        return values;
    }

    /** Parses an age such as {@code 90s}, {@code 30m}, {@code 2h} or {@code 5d}. */
    static final class AgeConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Matcher matcher = AGE.matcher(text.trim());
            if (!matcher.matches()) {
                throw new CommandLine.TypeConversionException(
                        "invalid age '" + text + "': expected a number followed by s, m, h or d, such as 2h");
            }
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
    }
}
